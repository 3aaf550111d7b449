using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Scheduler.Testing;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>
/// The built service started as its own process on a real port, configured only through environment variables,
/// the way an operator runs it. Its console output is kept for assertions.
/// </summary>
public sealed class RunningServer : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RunningServer(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<RunningServer> StartAsync(IDictionary<string, string> environment)
    {
        var port = FreePort();
        var start = new ProcessStartInfo("dotnet", ["Scheduler.Web.dll", "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = Process.Start(start)!;
        var server = new RunningServer(process, new Uri($"http://127.0.0.1:{port}"));
        process.OutputDataReceived += (_, e) => server.Append(e.Data);
        process.ErrorDataReceived += (_, e) => server.Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await server.WaitUntilListeningAsync();
        return server;
    }

    /// <summary>A client signed in as the administrator (the environment's <c>Auth__AdminPassword</c> is the test one).</summary>
    public async Task<HttpClient> LoginAsync()
    {
        var client = new HttpClient { BaseAddress = Address };
        var login = await client.PostAsJsonAsync("/api/account/login", new { user = "admin", password = SchedulerApp.AdminPassword });
        login.StatusCode.Should().Be(HttpStatusCode.OK);
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Kills the process (kill -9), as a node dies.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private void Append(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private async Task WaitUntilListeningAsync()
    {
        using var client = new HttpClient { BaseAddress = Address };
        async Task<bool> AnswersAsync()
        {
            try
            {
                using var response = await client.GetAsync("/api/jobs/0/status");
                return true;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }

        await Eventually.UntilAsync(async () => _process.HasExited || await AnswersAsync(), $"the service to listen on {Address}", () => Output);
        if (_process.HasExited)
        {
            throw new InvalidOperationException($"The service exited before it listened on {Address}:\n{Output}");
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

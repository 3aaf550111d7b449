using System.Diagnostics;
using System.Globalization;

namespace Scheduler.Bench;

/// <summary>
/// One process of the built service (a Web or a Worker node) on 127.0.0.1, configured through environment variables
/// as an operator runs it, its output appended to a log file. <see cref="Kill"/> is <c>kill -9</c>.
/// </summary>
internal sealed class ServiceNode : IDisposable
{
    private readonly Process _process;
    private readonly StreamWriter _log;

    private ServiceNode(string name, Process process, StreamWriter log, Uri address, TimeSpan startUp)
    {
        Name = name;
        _process = process;
        _log = log;
        Address = address;
        StartUp = startUp;
    }

    public string Name { get; }

    public Uri Address { get; }

    /// <summary>From the process start to its first answer on <c>/health/live</c>.</summary>
    public TimeSpan StartUp { get; }

    public int ProcessId => _process.Id;

    public bool HasExited => _process.HasExited;

    public static async Task<ServiceNode> StartAsync(string name, Stack stack, string role, IReadOnlyDictionary<string, string>? extra = null)
    {
        var port = Stack.FreePort();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(stack.AppFolder, "Scheduler.Web.dll"), "--urls", $"http://127.0.0.1:{port}"])
        {
            WorkingDirectory = stack.AppFolder,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in stack.ServiceEnvironment(role))
        {
            start.Environment[key] = value;
        }

        foreach (var (key, value) in extra ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var log = new StreamWriter(Path.Combine(stack.WorkFolder, $"{name}.log"), append: true) { AutoFlush = true };
        var started = Stopwatch.StartNew();
        var process = Process.Start(start)!;

        // For bench/stack.sh to stop whatever is left if this process is stopped before it cleans up.
        await File.AppendAllTextAsync(Path.Combine(stack.WorkFolder, "node.pids"), $"{process.Id}\n");
        process.OutputDataReceived += (_, e) => Write(log, e.Data);
        process.ErrorDataReceived += (_, e) => Write(log, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var address = new Uri($"http://127.0.0.1:{port}");
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (true)
        {
            if (process.HasExited || started.Elapsed > TimeSpan.FromMinutes(2))
            {
                throw new InvalidOperationException($"{name} did not start; see {stack.WorkFolder}/{name}.log");
            }

            try
            {
                if ((await http.GetAsync(new Uri(address, "/health/live"))).IsSuccessStatusCode)
                {
                    break;
                }
            }
            catch (HttpRequestException)
            {
            }
            catch (TaskCanceledException)
            {
            }

            await Task.Delay(25);
        }

        return new ServiceNode(name, process, log, address, started.Elapsed);
    }

    /// <summary>CPU time the process has used so far, user and system, from <c>/proc</c>.</summary>
    public double CpuSeconds() => ProcessCpu.Seconds(_process.Id);

    /// <summary>Resident memory now, from <c>/proc</c>.</summary>
    public double ResidentMiB() => StatusMiB("VmRSS:");

    /// <summary>The part of the resident memory that is mapped files (the runtime's and the service's assemblies and libraries), which no GC setting changes.</summary>
    public double ResidentFilesMiB() => StatusMiB("RssFile:");

    private double StatusMiB(string field)
    {
        try
        {
            var line = File.ReadLines($"/proc/{_process.Id}/status").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : double.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    /// <summary>SIGKILL: no shutdown, no cleanup, as when a machine or a container dies.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
        _log.Dispose();
    }

    private static void Write(StreamWriter log, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (log)
        {
            log.WriteLine(line);
        }
    }
}

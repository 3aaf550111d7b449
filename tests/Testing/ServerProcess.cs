using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scheduler.Testing;

/// <summary>
/// A server binary run by a test fixture (vsftpd, sshd): started under a watchdog shell that stops it when the test
/// process's end of its stdin closes, so even a killed test run leaves no server behind; ready once its port accepts
/// connections; stopped with its whole process tree (both servers fork per session) and its folder deleted.
/// </summary>
public sealed class ServerProcess : IDisposable
{
    // The test host may be killed before its ProcessExit handlers finish, so the watchdog also removes the folder.
    private const string Watchdog =
        "folder=$1; pidfile=$2; shift 2; \"$@\" </dev/null 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & echo $! >\"$pidfile\"; "
        + "cat >/dev/null; kill $! 2>/dev/null; wait; rm -rf \"$folder\"";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(20);
    private readonly Process _process;
    private readonly string _pidFile;
    private readonly string _workFolder;

    private ServerProcess(Process process, string pidFile, string workFolder)
    {
        _process = process;
        _pidFile = pidFile;
        _workFolder = workFolder;
    }

    /// <summary>Starts <paramref name="fileName"/> and waits until 127.0.0.1:<paramref name="port"/> accepts connections.</summary>
    public static ServerProcess Start(string name, string fileName, IReadOnlyList<string> arguments, int port, string workFolder)
    {
        var pidFile = Path.Combine(workFolder, name + ".watchdog.pid");
        // Descriptors 3-9 are closed for the server: a test run under flock would otherwise hand the lock to it.
        var start = RedirectedStart("/bin/sh", ["-c", Watchdog, "watchdog", workFolder, pidFile, fileName, .. arguments]);
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        void Collect(object sender, DataReceivedEventArgs e)
        {
            lock (output)
            {
                if (e.Data is not null && output.Length < 64 * 1024)
                {
                    output.AppendLine(e.Data);
                }
            }
        }

        process.OutputDataReceived += Collect;
        process.ErrorDataReceived += Collect;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new ServerProcess(process, pidFile, workFolder);
        try
        {
            WaitForPort(name, port, process, () =>
            {
                lock (output)
                {
                    return output.ToString();
                }
            });
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>A port that was free a moment ago (the servers here bind their own port, so ask the system for one).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Runs a short helper command and returns its output; a failure throws with what it printed.</summary>
    public static string Run(string fileName, params string[] arguments) => RunWithInput(fileName, null, arguments);

    public static string RunWithInput(string fileName, string? input, params string[] arguments)
    {
        var start = RedirectedStart(fileName, arguments);
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        process.StandardInput.Write(input ?? "");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEnd();
        process.WaitForExit();
        return process.ExitCode == 0
            ? stdout.Result
            : throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} exited with {process.ExitCode}: {stderr}{stdout.Result}");
    }

    private static ProcessStartInfo RedirectedStart(string fileName, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        return start;
    }

    public void Dispose()
    {
        // The server first and with its sessions: the watchdog's own kill would reach the listener only.
        if (File.Exists(_pidFile) && int.TryParse(File.ReadAllText(_pidFile).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var serverId))
        {
            Stop(serverId);
        }

        try
        {
            // Closing its stdin lets the watchdog finish as it would after a crash: it removes the folder and exits.
            _process.StandardInput.Close();
            if (!_process.WaitForExit(5000))
            {
                _process.Kill(entireProcessTree: true);
                Directory.Delete(_workFolder, recursive: true);
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or IOException)
        {
            // Already gone, or a leftover temp folder, which is not worth failing the run for.
        }

        _process.Dispose();
    }

    private static void Stop(int processId)
    {
        try
        {
            using var server = Process.GetProcessById(processId);
            server.Kill(entireProcessTree: true);
            server.WaitForExit(5000);
        }
        catch (Exception exception) when (exception is ArgumentException or InvalidOperationException)
        {
            // Already gone.
        }
    }

    private static void WaitForPort(string name, int port, Process process, Func<string> output)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(50);
            }
            catch (SocketException exception)
            {
                // vsftpd exits with code 2 and prints nothing on a bad configuration: say so rather than nothing.
                var exit = process.HasExited ? $"it exited with code {process.ExitCode}" : "it is still running";
                throw new InvalidOperationException(
                    $"The {name} test server does not accept connections on port {port} ({exception.Message}; {exit}). Output:\n{output()}");
            }
        }
    }
}

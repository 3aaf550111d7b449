using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Text;

namespace Scheduler.Testing;

/// <summary>
/// A real FTP server (Debian's python3-pyftpdlib) on 127.0.0.1, started once per test process on first use and
/// stopped when the process exits. The server binds port 0 and reports its port, so concurrent test projects never
/// collide. Tests put files straight into <see cref="RootPath"/>, each under its own folder.
/// </summary>
public sealed class FtpServer : IDisposable
{
    private const string Python = "/usr/bin/python3";
    private const int ModuleMissingExitCode = 3;
    private const string TestUser = "scheduler";
    private const string TestPassword = "ftp-test-secret";
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);
    private static readonly Lazy<FtpServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process _process;
    private readonly string _workFolder;

    private FtpServer(Process process, string workFolder, int port)
    {
        _process = process;
        _workFolder = workFolder;
        Port = port;
    }

    /// <summary>The server of this test process, started on first use.</summary>
    public static FtpServer Shared => SharedServer.Value;

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string Username { get; } = TestUser;

    public string Password { get; } = TestPassword;

    /// <summary>The folder the user logs into: <c>/x</c> on the server is <c>{RootPath}/x</c>.</summary>
    public string RootPath => Path.Combine(_workFolder, "root");

    /// <summary>Writes a file under <see cref="RootPath"/>, creating its folders; returns its full path.</summary>
    public string WriteFile(string relativePath, byte[] content)
    {
        var path = Path.Combine(RootPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteFile(string relativePath, string content) => WriteFile(relativePath, Encoding.UTF8.GetBytes(content));

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // Already gone.
        }

        _process.Dispose();
        try
        {
            Directory.Delete(_workFolder, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp folder is not worth failing the run for.
        }
    }

    private static FtpServer Start()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"The FTP test server needs {Python} with pyftpdlib: apt-get install python3-pyftpdlib");
        }

        var workFolder = Path.Combine(Path.GetTempPath(), "scheduler-ftp-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path.Combine(workFolder, "root"));
        var script = Path.Combine(workFolder, "ftp_server.py");
        File.WriteAllText(script, Script);

        var start = new ProcessStartInfo(Python)
        {
            ArgumentList = { script, Path.Combine(workFolder, "root"), TestUser, TestPassword },
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {Python}.");
        var stderr = new StringBuilder();
        process.ErrorDataReceived += (_, e) =>
        {
            lock (stderr)
            {
                if (e.Data is not null && stderr.Length < 64 * 1024)
                {
                    stderr.AppendLine(e.Data);
                }
            }
        };
        process.BeginErrorReadLine();

        try
        {
            var port = WaitForPort(process, stderr);
            var server = new FtpServer(process, workFolder, port);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => server.Dispose();
            return server;
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    private static int WaitForPort(Process process, StringBuilder stderr)
    {
        string Errors()
        {
            lock (stderr)
            {
                return stderr.ToString();
            }
        }

        var portLine = process.StandardOutput.ReadLineAsync().WaitAsync(StartTimeout);
        string? line;
        try
        {
            line = portLine.GetAwaiter().GetResult();
        }
        catch (TimeoutException)
        {
            throw new InvalidOperationException($"The FTP test server did not report its port within {StartTimeout}. Stderr:\n{Errors()}");
        }

        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.WaitForExit(2000);
            if (process.HasExited && process.ExitCode == ModuleMissingExitCode)
            {
                throw new InvalidOperationException(
                    $"The FTP test server needs pyftpdlib for {Python}: apt-get install python3-pyftpdlib");
            }

            throw new InvalidOperationException($"The FTP test server did not start ('{line}'). Stderr:\n{Errors()}");
        }

        var port = int.Parse(line.AsSpan(5), CultureInfo.InvariantCulture);
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var probe = new TcpClient();
                probe.Connect("127.0.0.1", port);
                return port;
            }
            catch (SocketException) when (DateTime.UtcNow < deadline && !process.HasExited)
            {
                Thread.Sleep(100);
            }
            catch (SocketException exception)
            {
                throw new InvalidOperationException(
                    $"The FTP test server does not accept connections on port {port}: {exception.Message}. Stderr:\n{Errors()}");
            }
        }
    }

    // Exits when its stdin closes, so a test process that dies without running ProcessExit leaves no server behind.
    private const string Script = """
        import logging, os, sys, threading

        try:
            from pyftpdlib.authorizers import DummyAuthorizer
            from pyftpdlib.handlers import FTPHandler
            from pyftpdlib.servers import FTPServer
        except ImportError as error:
            print("pyftpdlib is missing (apt-get install python3-pyftpdlib):", error, file=sys.stderr)
            sys.exit(3)

        root, user, password = sys.argv[1], sys.argv[2], sys.argv[3]
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

        authorizer = DummyAuthorizer()
        authorizer.add_user(user, password, root, perm="elradfmwMT")

        class Handler(FTPHandler):
            pass

        Handler.authorizer = authorizer
        Handler.masquerade_address = "127.0.0.1"
        Handler.banner = "Scheduler test FTP server"

        server = FTPServer(("127.0.0.1", 0), Handler)
        server.max_cons = 256
        print("PORT", server.socket.getsockname()[1], flush=True)

        def exit_when_parent_goes():
            sys.stdin.read()
            os._exit(0)

        threading.Thread(target=exit_when_parent_goes, daemon=True).start()
        server.serve_forever()
        """;
}

using System.Globalization;
using System.Text;

namespace Scheduler.Testing;

/// <summary>
/// A real FTP server (Debian's python3-pyftpdlib) on 127.0.0.1, started once per test process on first use through
/// <see cref="ServerProcess"/> like the other server fixtures, on a free port, and stopped when the process exits.
/// Tests put files straight into <see cref="RootPath"/>, each under its own folder.
/// </summary>
public sealed class FtpServer
{
    private const string Python = "/usr/bin/python3";
    private const string TestUser = "scheduler";
    private const string TestPassword = "ftp-test-secret";
    private static readonly Lazy<FtpServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private FtpServer(string workFolder, int port)
    {
        RootPath = Path.Combine(workFolder, "root");
        Port = port;
    }

    /// <summary>The server of this test process, started on first use.</summary>
    public static FtpServer Shared => SharedServer.Value;

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string Username { get; } = TestUser;

    public string Password { get; } = TestPassword;

    /// <summary>The folder the user logs into: <c>/x</c> on the server is <c>{RootPath}/x</c>.</summary>
    public string RootPath { get; }

    /// <summary>Writes a file under <see cref="RootPath"/>, creating its folders; returns its full path.</summary>
    public string WriteFile(string relativePath, byte[] content)
    {
        var path = Path.Combine(RootPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        return path;
    }

    public string WriteFile(string relativePath, string content) => WriteFile(relativePath, Encoding.UTF8.GetBytes(content));

    private static FtpServer Start()
    {
        if (!File.Exists(Python))
        {
            throw new InvalidOperationException($"The FTP test server needs {Python} with pyftpdlib: apt-get install python3-pyftpdlib");
        }

        var workFolder = Path.Combine(Path.GetTempPath(), "scheduler-ftp-" + Guid.NewGuid().ToString("N"));
        var root = Directory.CreateDirectory(Path.Combine(workFolder, "root")).FullName;
        var script = Path.Combine(workFolder, "ftp_server.py");
        File.WriteAllText(script, Script);

        var port = ServerProcess.FreePort();
        ServerProcess.Start("pyftpdlib", Python, [script, root, TestUser, TestPassword, port.ToString(CultureInfo.InvariantCulture)], port, workFolder);
        return new FtpServer(workFolder, port);
    }

    // A missing pyftpdlib is said on stderr, which ServerProcess shows when the port never opens.
    private const string Script = """
        import logging, sys

        try:
            from pyftpdlib.authorizers import DummyAuthorizer
            from pyftpdlib.handlers import FTPHandler
            from pyftpdlib.servers import FTPServer
        except ImportError as error:
            print("pyftpdlib is missing (apt-get install python3-pyftpdlib):", error, file=sys.stderr)
            sys.exit(3)

        root, user, password, port = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
        logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

        authorizer = DummyAuthorizer()
        authorizer.add_user(user, password, root, perm="elradfmwMT")

        class Handler(FTPHandler):
            pass

        Handler.authorizer = authorizer
        Handler.masquerade_address = "127.0.0.1"
        Handler.banner = "Scheduler test FTP server"

        server = FTPServer(("127.0.0.1", port), Handler)
        server.max_cons = 256
        server.serve_forever()
        """;
}

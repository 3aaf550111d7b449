using System.Security.Cryptography;

namespace Scheduler.Testing;

/// <summary>
/// A real OpenSSH sshd serving SFTP (internal-sftp) on 127.0.0.1, started once per test process on first use, with its
/// own configuration and ed25519 host key. The test user starts in <see cref="RootPath"/>, so relative remote paths
/// land there. <see cref="HostKeySha256"/> is the host key's fingerprint as <c>ssh-keygen -lf</c> prints it.
/// </summary>
public sealed class SftpServer
{
    private const string Binary = "/usr/sbin/sshd";
    private static readonly Lazy<SftpServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private SftpServer(string rootPath, int port, string hostKeySha256, string clientKeyPath)
    {
        RootPath = rootPath;
        Port = port;
        HostKeySha256 = hostKeySha256;
        ClientKeyPath = clientKeyPath;
    }

    public static SftpServer Shared => SharedServer.Value;

    public string Host { get; } = "127.0.0.1";

    public int Port { get; }

    public string Username { get; } = FtpTestUser.Name;

    public string Password { get; } = FtpTestUser.Password;

    /// <summary>The user's starting folder: <c>x/y</c> on the server is <c>{RootPath}/x/y</c>.</summary>
    public string RootPath { get; }

    /// <summary><c>SHA256:</c> and the unpadded base64 of the host key's SHA-256.</summary>
    public string HostKeySha256 { get; }

    /// <summary>An ed25519 private key (OpenSSH format, encrypted with <see cref="ClientKeyPassphrase"/>) the server accepts for the user.</summary>
    public string ClientKeyPath { get; }

    public string ClientKeyPassphrase { get; } = "key-test-passphrase";

    public string WriteFile(string relativePath, byte[] content) => FtpTestUser.WriteFile(RootPath, relativePath, content);

    private static SftpServer Start()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"The SFTP test server needs {Binary}: apt-get install openssh-server");
        }

        _ = FtpTestUser.Password;
        // sshd's privilege separation directory; the package makes it only when its service starts.
        Directory.CreateDirectory("/run/sshd");
        var workFolder = Path.Combine(Path.GetTempPath(), "scheduler-sshd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workFolder);
        var root = FtpTestUser.CreateFolder(workFolder, "root");
        var hostKey = Path.Combine(workFolder, "host_ed25519");
        ServerProcess.Run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "scheduler-test", "-f", hostKey);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(hostKey, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        var clientKey = Path.Combine(workFolder, "client_ed25519");
        ServerProcess.Run("/usr/bin/ssh-keygen", "-q", "-t", "ed25519", "-N", "key-test-passphrase", "-C", "scheduler-client", "-f", clientKey);
        var authorizedKeys = Path.Combine(workFolder, "authorized_keys");
        File.Copy(clientKey + ".pub", authorizedKeys);

        var port = ServerProcess.FreePort();
        var config = Path.Combine(workFolder, "sshd_config");
        File.WriteAllText(config, $"""
            Port {port}
            ListenAddress 127.0.0.1
            HostKey {hostKey}
            PidFile {Path.Combine(workFolder, "sshd.pid")}
            UsePAM no
            StrictModes no
            PasswordAuthentication yes
            KbdInteractiveAuthentication no
            PubkeyAuthentication yes
            AuthorizedKeysFile {authorizedKeys}
            PermitRootLogin no
            AllowUsers {FtpTestUser.Name}
            MaxStartups 100
            MaxSessions 100
            LogLevel ERROR
            Subsystem sftp internal-sftp -d {root}
            ForceCommand internal-sftp -d {root}

            """);
        ServerProcess.Start("sshd", Binary, ["-D", "-e", "-f", config], port, workFolder);
        return new SftpServer(root, port, Fingerprint(File.ReadAllText(hostKey + ".pub")), clientKey);
    }

    private static string Fingerprint(string publicKeyLine)
    {
        var blob = Convert.FromBase64String(publicKeyLine.Split(' ')[1]);
        return "SHA256:" + Convert.ToBase64String(SHA256.HashData(blob)).TrimEnd('=');
    }
}

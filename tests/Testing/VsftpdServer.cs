using System.Globalization;
using System.Text;

namespace Scheduler.Testing;

/// <summary>
/// A real vsftpd on 127.0.0.1, started once per test process on first use, serving plain FTP and explicit FTPS
/// (AUTH TLS) on one port with its default <c>require_ssl_reuse=YES</c>: a client that does not resume the control
/// connection's TLS session on the data connection is refused, as on any stock vsftpd. The certificate is
/// self-signed for <c>localhost</c>; <see cref="CertificateSha256"/> is its fingerprint for pinning.
/// </summary>
public sealed class VsftpdServer
{
    private const string Binary = "/usr/sbin/vsftpd";
    private static readonly Lazy<VsftpdServer> SharedServer = new(Start, LazyThreadSafetyMode.ExecutionAndPublication);

    private VsftpdServer(string workFolder, int port, string certificateSha256)
    {
        RootPath = Path.Combine(workFolder, "root");
        Port = port;
        CertificateSha256 = certificateSha256;
    }

    public static VsftpdServer Shared => SharedServer.Value;

    public string Host { get; } = "127.0.0.1";

    /// <summary>The name to use for FTPS: .NET resumes TLS sessions only for host names, and the certificate names it.</summary>
    public string TlsHost { get; } = "localhost";

    public int Port { get; }

    public string Username { get; } = FtpTestUser.Name;

    public string Password { get; } = FtpTestUser.Password;

    /// <summary>The folder the user is chrooted into: <c>/x</c> on the server is <c>{RootPath}/x</c>.</summary>
    public string RootPath { get; }

    /// <summary>SHA-256 of the server's certificate, in hex with colons.</summary>
    public string CertificateSha256 { get; }

    public string WriteFile(string relativePath, byte[] content) => FtpTestUser.WriteFile(RootPath, relativePath, content);

    private static VsftpdServer Start()
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"The vsftpd test server needs {Binary}: apt-get install vsftpd");
        }

        _ = FtpTestUser.Password;
        var workFolder = Path.Combine(Path.GetTempPath(), "scheduler-vsftpd-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(workFolder);
        FtpTestUser.CreateFolder(workFolder, "root");
        var emptyFolder = Directory.CreateDirectory(Path.Combine(workFolder, "empty")).FullName;
        var fingerprint = SelfSignedCertificate.Write(workFolder);

        var port = ServerProcess.FreePort();
        var config = Path.Combine(workFolder, "vsftpd.conf");
        File.WriteAllText(config, Config(workFolder, emptyFolder, port, passiveMin: (ServerProcess.FreePort() % 20000) + 30000));
        ServerProcess.Start("vsftpd", Binary, [config], port, workFolder);
        return new VsftpdServer(workFolder, port, fingerprint);
    }

    private static string Config(string workFolder, string emptyFolder, int port, int passiveMin)
    {
        var lines = new StringBuilder();
        void Set(string key, object value) => lines.Append(CultureInfo.InvariantCulture, $"{key}={value}\n");
        Set("listen", "YES");
        Set("listen_ipv6", "NO");
        Set("listen_address", "127.0.0.1");
        Set("listen_port", port);
        Set("background", "NO");
        Set("seccomp_sandbox", "NO");
        Set("secure_chroot_dir", emptyFolder);
        Set("anonymous_enable", "NO");
        Set("local_enable", "YES");
        Set("write_enable", "YES");
        Set("local_umask", "022");
        Set("chroot_local_user", "YES");
        Set("allow_writeable_chroot", "YES");
        Set("local_root", Path.Combine(workFolder, "root"));
        Set("pasv_enable", "YES");
        Set("pasv_address", "127.0.0.1");
        Set("pasv_min_port", passiveMin);
        Set("pasv_max_port", passiveMin + 200);
        Set("pam_service_name", "vsftpd");
        Set("userlist_enable", "NO");
        Set("max_clients", 200);
        Set("max_per_ip", 200);
        Set("ssl_enable", "YES");
        Set("allow_anon_ssl", "NO");
        Set("force_local_logins_ssl", "NO");
        Set("force_local_data_ssl", "NO");
        Set("require_ssl_reuse", "YES");
        Set("ssl_ciphers", "HIGH");
        Set("rsa_cert_file", Path.Combine(workFolder, "cert.pem"));
        Set("rsa_private_key_file", Path.Combine(workFolder, "key.pem"));
        return lines.ToString();
    }
}

using Scheduler.Testing;
using Scheduler.Workflows.Connections;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>One real server (or folder) with the settings to reach it and its folder on disk, to check effects.</summary>
public sealed record TransferServer(string Name, ConnectionSettings Settings, string RootPath, Func<string, byte[], string> Write)
{
    public override string ToString() => Name;
}

/// <summary>Every protocol against a real server: pyftpdlib and vsftpd for FTP, vsftpd for FTPS, OpenSSH for SFTP, a folder for Local.</summary>
internal static class TransferServers
{
    public static TheoryData<string> All { get; } = ["ftp-pyftpdlib", "ftp-vsftpd", "ftps-vsftpd", "sftp-openssh", "local"];

    /// <summary>The server named <paramref name="name"/>; the Local type serves <paramref name="localRoot"/>, a folder of the test's own.</summary>
    public static TransferServer Get(string name, string? localRoot = null) => name switch
    {
        "ftp-pyftpdlib" => new(name, FtpTestFiles.Settings(), FtpServer.Shared.RootPath, FtpServer.Shared.WriteFile),
        "ftp-vsftpd" => Vsftpd(name, tls: false),
        "ftps-vsftpd" => Vsftpd(name, tls: true),
        "sftp-openssh" => Sftp(name),
        "local" when localRoot is not null => new(name, new ConnectionSettings { Type = "Local", Path = localRoot }, localRoot,
            (path, content) => FtpTestUser.WriteFile(localRoot, path, content)),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, "unknown test server"),
    };

    public static ConnectionSettings VsftpdSettings(bool tls)
    {
        var server = VsftpdServer.Shared;
        return new ConnectionSettings
        {
            Type = tls ? "Ftps" : "Ftp",
            Host = tls ? server.TlsHost : server.Host,
            Port = server.Port,
            Username = server.Username,
            Password = server.Password,
            Fingerprint = tls ? server.CertificateSha256 : null,
        };
    }

    public static ConnectionSettings SftpSettings() => new()
    {
        Type = "Sftp",
        Host = SftpServer.Shared.Host,
        Port = SftpServer.Shared.Port,
        Username = SftpServer.Shared.Username,
        Password = SftpServer.Shared.Password,
        HostKey = SftpServer.Shared.HostKeySha256,
    };

    private static TransferServer Vsftpd(string name, bool tls) =>
        new(name, VsftpdSettings(tls), VsftpdServer.Shared.RootPath, VsftpdServer.Shared.WriteFile);

    private static TransferServer Sftp(string name) =>
        new(name, SftpSettings(), SftpServer.Shared.RootPath, SftpServer.Shared.WriteFile);
}

using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer.Ftp;
using Scheduler.Workflows.Transfer.Local;
using Scheduler.Workflows.Transfer.Sftp;

namespace Scheduler.Workflows.Transfer;

/// <summary>Chooses the protocol from <see cref="ConnectionSettings.Type"/>: <c>Ftp</c>, <c>Ftps</c>, <c>Sftp</c> or <c>Local</c>.</summary>
public sealed class RemoteFilesFactory(TransferOptions options) : IRemoteFilesFactory
{
    private const string Ftp = "Ftp";
    private const string Ftps = "Ftps";
    private const string Sftp = "Sftp";
    private const string Local = "Local";

    public RemoteFilesFactory()
        : this(new TransferOptions())
    {
    }

    /// <summary>The values of <see cref="ConnectionSettings.Type"/> this factory can connect.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = [Ftp, Ftps, Sftp, Local];

    /// <summary>True when the type names a file transfer connection (rather than, say, PostgreSql).</summary>
    public static bool IsKnownType(string? type) =>
        KnownTypes.Contains(type ?? "", StringComparer.OrdinalIgnoreCase);

    /// <summary>
    /// Every problem of the settings as a sentence naming the connection; empty when they can work.
    /// Meant for start-up validation as well as for <see cref="ConnectAsync"/>.
    /// </summary>
    public static IReadOnlyList<string> Validate(string connectionName, ConnectionSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var errors = new List<string>();
        var prefix = $"Connection '{connectionName}'";
        if (Is(settings, Local))
        {
            if (string.IsNullOrWhiteSpace(settings.Path))
            {
                errors.Add($"{prefix} of type Local needs a Path (the root folder).");
            }

            return errors;
        }

        if (!Is(settings, Ftp) && !Is(settings, Ftps) && !Is(settings, Sftp))
        {
            var type = string.IsNullOrWhiteSpace(settings.Type) ? "no Type" : $"Type '{settings.Type}'";
            errors.Add($"{prefix} has {type}; file transfers know the types {string.Join(", ", KnownTypes)}.");
            return errors;
        }

        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            errors.Add($"{prefix} of type {settings.Type} needs a Host.");
        }

        if (settings.Port is < 1 or > 65535)
        {
            errors.Add($"{prefix} has Port {settings.Port}; a port is between 1 and 65535.");
        }

        if (Is(settings, Ftps) && !string.IsNullOrWhiteSpace(settings.Fingerprint)
            && !RemoteFingerprint.TryParseCertificateSha256(settings.Fingerprint, out _))
        {
            errors.Add($"{prefix} has a Fingerprint that is not a SHA-256 in hex (64 hex digits, colons allowed).");
        }

        if (Is(settings, Sftp) && !RemoteFingerprint.TryParseHostKeySha256(settings.HostKey, out _))
        {
            errors.Add(string.IsNullOrWhiteSpace(settings.HostKey)
                ? $"{prefix} of type Sftp needs a HostKey: the server's SHA-256 host key fingerprint (SHA256:..., as ssh-keygen -lf prints it)."
                : $"{prefix} has a HostKey that is not a SHA-256 fingerprint (SHA256: and 43 base64 characters).");
        }

        if (!Is(settings, Sftp) && !string.IsNullOrWhiteSpace(settings.PrivateKeyPath))
        {
            errors.Add($"{prefix} has a PrivateKeyPath, which only the type Sftp uses.");
        }

        return errors;
    }

    public async Task<IRemoteFiles> ConnectAsync(
        string connectionName, ConnectionSettings settings, CancellationToken cancellationToken)
    {
        var errors = Validate(connectionName, settings);
        if (errors.Count > 0)
        {
            throw new RemoteConnectionSettingsException(string.Join(" ", errors));
        }

        if (Is(settings, Local))
        {
            return LocalRemoteFiles.Open(settings.Path!, settings.CreateFolder);
        }

        var host = settings.Host!.Trim();
        var username = string.IsNullOrEmpty(settings.Username) ? "anonymous" : settings.Username;
        var password = settings.Password ?? "";
        if (Is(settings, Sftp))
        {
            // Validate has checked the HostKey, so the parse succeeds.
            var hostKey = RemoteFingerprint.TryParseHostKeySha256(settings.HostKey, out var parsed) ? parsed : "";
            var login = new SftpLogin(username, settings.Password, settings.PrivateKeyPath, settings.PrivateKeyPassphrase);
            return await SftpRemoteFiles.ConnectAsync(host, settings.Port ?? 22, login, hostKey, options, cancellationToken);
        }

        FtpsCertificatePolicy? tls = null;
        if (Is(settings, Ftps))
        {
            tls = new FtpsCertificatePolicy(
                RemoteFingerprint.TryParseCertificateSha256(settings.Fingerprint, out var pinned) ? pinned : null,
                settings.ValidateCertificate);
        }

        return await FtpLogin.ConnectAsync(new FtpEndpoint(host, settings.Port ?? 21, username, password, tls), options, cancellationToken);
    }

    private static bool Is(ConnectionSettings settings, string type) => string.Equals(settings.Type, type, StringComparison.OrdinalIgnoreCase);
}

namespace Scheduler.Workflows.Connections;

/// <summary>
/// One named entry of the <c>Connections</c> configuration section, for example <c>Connections:OrdersFtp</c>.
/// Which properties matter depends on <see cref="Type"/>: Ftp, Ftps and Sftp use Host/Port/Username/Password (Ftps
/// also Fingerprint and ValidateCertificate, Sftp also HostKey and PrivateKeyPath), Local uses Path, PostgreSql uses
/// ConnectionString, Smtp uses Host/Port/Username/Password with Security, From, Fingerprint and ValidateCertificate,
/// Http uses BaseUrl and Token.
/// </summary>
public sealed class ConnectionSettings
{
    public string Type { get; set; } = "";

    public string? Host { get; set; }

    public int? Port { get; set; }

    public string? Username { get; set; }

    public string? Password { get; set; }

    public string? Path { get; set; }

    public string? ConnectionString { get; set; }

    /// <summary>Ftps: the SHA-256 fingerprint of the server's certificate in hex; when set, the only certificate accepted.</summary>
    public string? Fingerprint { get; set; }

    /// <summary>Ftps without a Fingerprint: false accepts any certificate (encrypted, but the server is not authenticated).</summary>
    public bool ValidateCertificate { get; set; } = true;

    /// <summary>Sftp: the SHA-256 fingerprint of the server's host key, <c>SHA256:...</c> as <c>ssh-keygen -lf</c> prints it.</summary>
    public string? HostKey { get; set; }

    /// <summary>Sftp: an OpenSSH or PEM private key file to log in with, tried before <see cref="Password"/> when both are set.</summary>
    public string? PrivateKeyPath { get; set; }

    /// <summary>Sftp: the passphrase of an encrypted <see cref="PrivateKeyPath"/>.</summary>
    public string? PrivateKeyPassphrase { get; set; }

    /// <summary>Smtp: <c>StartTls</c> (the default), <c>SslOnConnect</c> (SMTPS, port 465) or <c>None</c> (a relay on a trusted network).</summary>
    public string? Security { get; set; }

    /// <summary>Smtp: the sender of every message sent through the connection; a definition cannot choose another.</summary>
    public string? From { get; set; }

    /// <summary>Http: the absolute http(s) URL every request of a task stays under.</summary>
    public string? BaseUrl { get; set; }

    /// <summary>Http: a bearer token sent as <c>Authorization: Bearer</c> with every request; a secret like Password.</summary>
    public string? Token { get; set; }

    /// <summary>Local: create the folder <see cref="Path"/> when it is missing, for an outbox the service itself fills.</summary>
    public bool CreateFolder { get; set; }

    /// <summary>Never prints the secrets: settings end up in log lines and exception messages.</summary>
    public override string ToString() => Type.ToUpperInvariant() switch
    {
        "FTP" or "FTPS" => $"{Type} {Username}@{Host}:{Port ?? 21}",
        "SFTP" => $"{Type} {Username}@{Host}:{Port ?? 22}",
        "LOCAL" => $"{Type} {Path}",
        "SMTP" => $"{Type} {Username}@{Host}:{Port}",
        "HTTP" => $"{Type} {BaseUrl}",
        _ => Type,
    };
}

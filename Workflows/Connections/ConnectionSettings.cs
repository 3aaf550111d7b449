namespace Scheduler.Workflows.Connections;

/// <summary>
/// One named entry of the <c>Connections</c> configuration section, for example <c>Connections:OrdersFtp</c>.
/// Which properties matter depends on <see cref="Type"/>: Ftp uses Host/Port/Username/Password, Local uses Path,
/// PostgreSql uses ConnectionString.
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

    /// <summary>Never prints the secrets: settings end up in log lines and exception messages.</summary>
    public override string ToString() => Type switch
    {
        "Ftp" => $"Ftp {Username}@{Host}:{Port ?? 21}",
        "Local" => $"Local {Path}",
        _ => Type,
    };
}

using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer.Ftp;
using Scheduler.Workflows.Transfer.Local;

namespace Scheduler.Workflows.Transfer;

/// <summary>Chooses the protocol from <see cref="ConnectionSettings.Type"/>: <c>Ftp</c> or <c>Local</c> (FTPS, SFTP later).</summary>
public sealed class RemoteFilesFactory(FtpOptions ftpOptions) : IRemoteFilesFactory
{
    private const string Ftp = "Ftp";
    private const string Local = "Local";
    private const int DefaultFtpPort = 21;

    public RemoteFilesFactory()
        : this(new FtpOptions())
    {
    }

    /// <summary>The values of <see cref="ConnectionSettings.Type"/> this factory can connect.</summary>
    public static IReadOnlyList<string> KnownTypes { get; } = [Ftp, Local];

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
        if (string.Equals(settings.Type, Ftp, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(settings.Host))
            {
                errors.Add($"{prefix} of type Ftp needs a Host.");
            }

            if (settings.Port is < 1 or > 65535)
            {
                errors.Add($"{prefix} has Port {settings.Port}; a port is between 1 and 65535.");
            }
        }
        else if (string.Equals(settings.Type, Local, StringComparison.OrdinalIgnoreCase))
        {
            if (string.IsNullOrWhiteSpace(settings.Path))
            {
                errors.Add($"{prefix} of type Local needs a Path (the root folder).");
            }
        }
        else
        {
            var type = string.IsNullOrWhiteSpace(settings.Type) ? "no Type" : $"Type '{settings.Type}'";
            errors.Add($"{prefix} has {type}; file transfers know the types {string.Join(", ", KnownTypes)}.");
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

        if (string.Equals(settings.Type, Local, StringComparison.OrdinalIgnoreCase))
        {
            return LocalRemoteFiles.Open(settings.Path!);
        }

        return await FtpRemoteFiles.ConnectAsync(
            settings.Host!.Trim(),
            settings.Port ?? DefaultFtpPort,
            string.IsNullOrEmpty(settings.Username) ? "anonymous" : settings.Username,
            settings.Password ?? "",
            ftpOptions,
            cancellationToken).ConfigureAwait(false);
    }
}

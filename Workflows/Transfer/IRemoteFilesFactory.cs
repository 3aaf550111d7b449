using Scheduler.Workflows.Connections;

namespace Scheduler.Workflows.Transfer;

/// <summary>Opens a session from a named connection of the configuration, whatever its protocol.</summary>
public interface IRemoteFilesFactory
{
    /// <summary>
    /// Connects and logs in. Throws <see cref="RemoteConnectionSettingsException"/> for unusable settings,
    /// <see cref="RemoteServerUnreachableException"/> or <see cref="RemoteLoginRefusedException"/> otherwise.
    /// </summary>
    Task<IRemoteFiles> ConnectAsync(string connectionName, ConnectionSettings settings, CancellationToken cancellationToken);
}

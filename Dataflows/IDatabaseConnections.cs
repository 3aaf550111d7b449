namespace Scheduler.Dataflows;

/// <summary>
/// Resolves the connection names used in definitions. Implemented by the host, so that definitions never hold
/// secrets. Throws <see cref="DataflowException"/> with a clear message for an unknown name.
/// </summary>
public interface IDatabaseConnections
{
    string GetPostgreSqlConnectionString(string connectionName);
}

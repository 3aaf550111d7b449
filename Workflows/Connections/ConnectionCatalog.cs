using Scheduler.Dataflows;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Connections;

/// <summary>
/// The named connections of the configuration (<c>Connections:{name}:...</c>). Definitions name a connection and
/// never hold its secrets; the worker looks them up here when a task runs.
/// </summary>
public sealed class ConnectionCatalog(IReadOnlyDictionary<string, ConnectionSettings> connections) : IDatabaseConnections
{
    public const string PostgreSql = "PostgreSql";
    public const string Smtp = "Smtp";
    public const string Http = "Http";

    private readonly Dictionary<string, ConnectionSettings> _byName = new(connections, StringComparer.OrdinalIgnoreCase);

    public ConnectionSettings Get(string name, string expectedKind) =>
        _byName.TryGetValue(name, out var settings)
            ? settings
            : throw new TaskFailedException(
                $"the {expectedKind} connection '{name}' is not configured; set Connections:{name}:Type and its settings (configured: {Names})");

    /// <summary>
    /// Why a definition cannot use the connection <paramref name="name"/> where one of <paramref name="types"/> is
    /// needed: it is not configured on this node, or it is of another type; null when it can.
    /// </summary>
    public string? ProblemWith(string name, IReadOnlyCollection<string> types)
    {
        var wanted = string.Join(", ", types);
        if (!_byName.TryGetValue(name, out var settings))
        {
            var fitting = _byName.Where(c => types.Contains(c.Value.Type, StringComparer.OrdinalIgnoreCase)).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
            return $"the connection '{name}' is not configured (Connections:{name}:Type); configured {wanted} connections: {(fitting.Count == 0 ? "none" : string.Join(", ", fitting))}";
        }

        return types.Contains(settings.Type, StringComparer.OrdinalIgnoreCase)
            ? null
            : $"the connection '{name}' is a {settings.Type} connection, and this needs one of: {wanted}";
    }

    /// <summary>The settings of <paramref name="name"/>, which must be a connection of type <paramref name="type"/>.</summary>
    public ConnectionSettings GetOfType(string name, string type)
    {
        var settings = Get(name, type);
        return string.Equals(settings.Type, type, StringComparison.OrdinalIgnoreCase)
            ? settings
            : throw new TaskFailedException($"the connection '{name}' is a {settings.Type} connection, and this needs a {type} one");
    }

    public string GetPostgreSqlConnectionString(string connectionName)
    {
        if (!_byName.TryGetValue(connectionName, out var settings))
        {
            throw new DataflowException($"the database connection '{connectionName}' is not configured; set Connections:{connectionName}:Type={PostgreSql} and :ConnectionString (configured: {Names})");
        }

        return string.Equals(settings.Type, PostgreSql, StringComparison.OrdinalIgnoreCase) && !string.IsNullOrWhiteSpace(settings.ConnectionString)
            ? settings.ConnectionString
            : throw new DataflowException($"the connection '{connectionName}' is not a {PostgreSql} connection with a ConnectionString (it is {settings})");
    }

    private string Names => _byName.Count == 0 ? "none" : string.Join(", ", _byName.Keys.Order(StringComparer.Ordinal));
}

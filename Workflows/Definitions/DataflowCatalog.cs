using System.Text.Json;
using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Json;
using Scheduler.Workflows.Connections;

namespace Scheduler.Workflows.Definitions;

/// <summary>The latest valid dataflows of the definition store, as every node sees them.</summary>
public sealed class DataflowCatalog : IDisposable
{
    private readonly DefinitionCache<DataflowDefinition> _cache;
    private readonly ConnectionCatalog? _connections;

    /// <param name="store">Where the definitions are.</param>
    /// <param name="logger">Says which definitions were loaded and which are invalid.</param>
    /// <param name="connections">The connections of this node, which a PostgreSql source or destination must name (null: not checked).</param>
    public DataflowCatalog(IDefinitionStore store, ILogger<DataflowCatalog> logger, ConnectionCatalog? connections = null)
    {
        _connections = connections;
        _cache = new(store, DefinitionKind.Dataflow, Load, logger);
    }

    /// <summary>Changes whenever the dataflows are reloaded; workflows that run them are checked again then.</summary>
    public int Generation => _cache.Generation;

    public IEnumerable<DataflowDefinition> All => _cache.All;

    public bool TryGet(string name, out DataflowDefinition dataflow) => _cache.TryGet(name, out dataflow);

    public IReadOnlyList<DefinitionProblem>? ProblemsOf(string name) => _cache.ProblemsOf(name);

    public int? VersionOf(string name) => _cache.VersionOf(name);

    /// <summary>Catches up with saves and deletes made on any node; true when the dataflows were read again.</summary>
    public Task<bool> RefreshAsync(CancellationToken cancellationToken) => _cache.RefreshAsync("", cancellationToken);

    public void Dispose() => _cache.Dispose();

    /// <summary>Reads a dataflow document: the definition, or every problem with its JSON path, the source's and destination's connections included.</summary>
    public DefinitionLoadResult<DataflowDefinition> Load(string json)
    {
        var result = DataflowDefinitionLoader.Load(json);
        var problems = result.Problems.Concat(ConnectionProblems(json)).ToList();
        return problems.Count == 0 ? new(result.Definition, []) : new(null, problems);
    }

    // Read from the document itself, so that the connection is checked even when other problems keep it from binding.
    private IEnumerable<DefinitionProblem> ConnectionProblems(string json)
    {
        foreach (var end in new[] { "source", "destination" })
        {
            if (_connections is not null && PostgreSqlConnectionOf(json, end) is { Length: > 0 } name && _connections.ProblemWith(name, [ConnectionCatalog.PostgreSql]) is { } problem)
            {
                yield return new($"$.{end}.connection", problem);
            }
        }
    }

    /// <param name="end">The source or the destination, when it is of type PostgreSql.</param>
    private static string? PostgreSqlConnectionOf(string json, string end)
    {
        try
        {
            using var document = JsonDocument.Parse(json, LenientJson.DocumentOptions);
            return Member(document.RootElement, end) is { ValueKind: JsonValueKind.Object } found
                && Member(found, "type") is { ValueKind: JsonValueKind.String } type
                && string.Equals(type.GetString(), ConnectionCatalog.PostgreSql, StringComparison.OrdinalIgnoreCase)
                && Member(found, "connection") is { ValueKind: JsonValueKind.String } connection
                    ? connection.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null; // the loader reports the malformed document
        }
    }

    private static JsonElement? Member(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object
        && element.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: not JsonValueKind.Undefined } found
            ? found.Value
            : null;
}

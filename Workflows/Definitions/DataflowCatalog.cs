using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Workflows.Definitions;

/// <summary>The latest valid dataflows of the definition store, as every node sees them.</summary>
public sealed class DataflowCatalog(IDefinitionStore store, ILogger<DataflowCatalog> logger) : IDisposable
{
    private readonly DefinitionCache<DataflowDefinition> _cache = new(store, DefinitionKind.Dataflow, Load, logger);

    /// <summary>Changes whenever the dataflows are reloaded; workflows that run them are checked again then.</summary>
    public int Generation => _cache.Generation;

    public IEnumerable<DataflowDefinition> All => _cache.All;

    public bool TryGet(string name, out DataflowDefinition dataflow) => _cache.TryGet(name, out dataflow);

    public IReadOnlyList<DefinitionProblem>? ProblemsOf(string name) => _cache.ProblemsOf(name);

    public int? VersionOf(string name) => _cache.VersionOf(name);

    public Task RefreshAsync(CancellationToken cancellationToken) => _cache.RefreshAsync("", cancellationToken);

    public void Dispose() => _cache.Dispose();

    /// <summary>Reads a dataflow document: the definition, or every problem with its JSON path.</summary>
    public static DefinitionLoadResult<DataflowDefinition> Load(string json) =>
        DataflowDefinitionLoader.Load(json, "dataflow") is var result && result.Succeeded
            ? new(result.Definition, [])
            : new(null, result.Problems);
}

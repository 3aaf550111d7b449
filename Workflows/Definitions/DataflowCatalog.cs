using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Workflows.Definitions;

/// <summary>The dataflows found under <c>{DefinitionsPath}/dataflows</c>, loaded and validated at start.</summary>
public sealed class DataflowCatalog(DefinitionsLocation location, ILogger<DataflowCatalog> logger)
{
    private readonly DefinitionFolder<DataflowDefinition> _folder = new(
        Path.Combine(location.Path, "dataflows"),
        "dataflow",
        json => DataflowDefinitionLoader.Load(json, "dataflow") is var result && result.Succeeded
            ? new(result.Definition, [])
            : new(null, result.Problems),
        d => d.Name,
        logger);

    public IEnumerable<DataflowDefinition> All => _folder.All;

    public bool TryGet(string name, out DataflowDefinition dataflow) => _folder.TryGet(name, out dataflow);
}

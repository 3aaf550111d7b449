using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Definitions;

/// <summary>The workflows found under <c>{DefinitionsPath}/workflows</c>, loaded and validated at start.</summary>
public sealed class WorkflowCatalog(DefinitionsLocation location, WorkflowValidator validator, ILogger<WorkflowCatalog> logger) : IWorkflowDefinitions
{
    private readonly DefinitionFolder<WorkflowDefinition> _folder = new(
        Path.Combine(location.Path, "workflows"),
        "workflow",
        json => Validate(WorkflowDefinitionLoader.Load(json), validator),
        w => w.Name,
        logger);

    public IEnumerable<WorkflowDefinition> All => _folder.All;

    public bool TryGet(string name, out WorkflowDefinition workflow) => _folder.TryGet(name, out workflow);

    public IReadOnlyList<DefinitionProblem>? ProblemsOf(string name) => _folder.ProblemsOf(name);

    private static DefinitionLoadResult<WorkflowDefinition> Validate(DefinitionLoadResult<WorkflowDefinition> loaded, WorkflowValidator validator) =>
        loaded.Definition is { } workflow ? loaded with { Problems = [.. loaded.Problems, .. validator.Validate(workflow)] } : loaded;
}

/// <summary>The folder that holds <c>workflows/</c> and <c>dataflows/</c>.</summary>
public sealed record DefinitionsLocation(string Path);

using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Validation;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// The latest valid workflows of the definition store, as every node sees them. A workflow is checked against the
/// dataflows of the moment, and again whenever they change.
/// </summary>
public sealed class WorkflowCatalog : IWorkflowDefinitions, IDisposable
{
    private readonly DefinitionCache<WorkflowDefinition> _cache;
    private readonly DataflowCatalog _dataflows;
    private readonly WorkflowValidator _validator;

    public WorkflowCatalog(IDefinitionStore store, WorkflowValidator validator, DataflowCatalog dataflows, ILogger<WorkflowCatalog> logger)
    {
        _validator = validator;
        _dataflows = dataflows;
        _cache = new(store, DefinitionKind.Workflow, Load, logger);
    }

    public IEnumerable<WorkflowDefinition> All => _cache.All;

    public bool TryGet(string name, out WorkflowDefinition workflow) => _cache.TryGet(name, out workflow);

    public IReadOnlyList<DefinitionProblem>? ProblemsOf(string name) => _cache.ProblemsOf(name);

    public int? VersionOf(string name) => _cache.VersionOf(name);

    /// <summary>
    /// Catches up with saves and deletes made on any node (the dataflows first: the workflows' checks read them); true
    /// when anything was read again. Two small queries: callers on a job's path rely on the periodic refresh instead.
    /// </summary>
    public async Task<bool> RefreshAsync(CancellationToken cancellationToken)
    {
        var dataflows = await _dataflows.RefreshAsync(cancellationToken);
        var workflows = await _cache.RefreshAsync(_dataflows.Generation.ToString(System.Globalization.CultureInfo.InvariantCulture), cancellationToken);
        return dataflows || workflows;
    }

    public void Dispose() => _cache.Dispose();

    /// <summary>Reads and checks a workflow document against the current task types and dataflows.</summary>
    public DefinitionLoadResult<WorkflowDefinition> Load(string json)
    {
        var loaded = WorkflowDefinitionLoader.Load(json);
        return loaded.Draft is { } workflow ? loaded with { Problems = [.. loaded.Problems, .. _validator.Validate(workflow, Find)] } : loaded;
    }

    // Another workflow, for the check that RunWorkflow tasks make no cycle: the ones known at the moment.
    private WorkflowDefinition? Find(string name) => _cache.TryGet(name, out var workflow) ? workflow : null;
}

/// <summary>The folder that holds <c>workflows/</c> and <c>dataflows/</c>.</summary>
public sealed record DefinitionsLocation(string Path);

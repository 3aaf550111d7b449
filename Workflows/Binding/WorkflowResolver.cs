using System.Diagnostics.CodeAnalysis;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Binding;

/// <summary>
/// A workflow found by name with its run parameters checked and typed against it, or every problem that keeps it
/// from running. A problem about the workflow itself has the field <see cref="WorkflowResolver.WorkflowField"/> and
/// the index -1; a problem about a parameter is the binder's.
/// </summary>
public sealed record WorkflowResolution(
    WorkflowDefinition? Workflow,
    int? Version,
    BoundParameters? Parameters,
    IReadOnlyList<BindingProblem> Problems)
{
    /// <summary>False only when no workflow of the name exists at all (an invalid one exists).</summary>
    public bool WorkflowFound { get; init; } = true;

    [MemberNotNullWhen(true, nameof(Workflow), nameof(Parameters))]
    public bool IsValid => Workflow is not null && Parameters is not null && Problems.Count == 0;
}

/// <summary>
/// "Find the workflow, check and bind its parameters", the same way and with the same messages for every entry point
/// that makes or runs a job: a run request, a schedule, a retry, and the worker that starts the job.
/// </summary>
/// <remarks>
/// The catalog follows saves made on other nodes on its own (every few seconds, and at once after a save on this
/// node), so a resolution that fits costs no query. One that does not fit asks the store whether the definitions
/// changed, once, before it is believed: a workflow saved a moment ago on another node is found, and a request is
/// never refused on a stale view.
/// </remarks>
public sealed class WorkflowResolver(WorkflowCatalog workflows, ParameterBinder binder)
{
    /// <summary>The field of a problem about the workflow (its name, its existence, its validity).</summary>
    public const string WorkflowField = "workflow";

    /// <summary>The workflow and its problems, without binding parameters (for a request refused for its shape; never <see cref="WorkflowResolution.IsValid"/>).</summary>
    public async Task<WorkflowResolution> FindAsync(string? name, CancellationToken cancellationToken) =>
        await ResolveAsync(name, parameters: null, cancellationToken);

    public async Task<WorkflowResolution> ResolveAsync(string? name, IReadOnlyList<ParameterAssignment>? parameters, CancellationToken cancellationToken)
    {
        var resolution = Resolve(name, parameters);
        if (resolution.Problems.Count > 0 && await workflows.RefreshAsync(cancellationToken))
        {
            resolution = Resolve(name, parameters);
        }

        return resolution;
    }

    private WorkflowResolution Resolve(string? name, IReadOnlyList<ParameterAssignment>? parameters)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return Refused(found: true, $"name the workflow to run; known: {Known()}");
        }

        if (!workflows.TryGet(name, out var workflow))
        {
            return workflows.ProblemsOf(name) is { } problems
                ? Refused(found: true, [.. problems.Select(p => $"the workflow '{name}' is invalid and cannot run: {p}")])
                : Refused(found: false, $"there is no workflow named '{name}'; known: {Known()}");
        }

        var version = workflows.VersionOf(workflow.Name);
        if (parameters is null)
        {
            return new(workflow, version, null, []);
        }

        var binding = binder.Bind(workflow, parameters);
        return new(workflow, version, binding.Parameters, binding.Problems);
    }

    private string Known() => string.Join(", ", workflows.All.Select(w => w.Name));

    private static WorkflowResolution Refused(bool found, params string[] messages) =>
        new(null, null, null, [.. messages.Select(m => new BindingProblem(-1, WorkflowField, m))]) { WorkflowFound = found };
}

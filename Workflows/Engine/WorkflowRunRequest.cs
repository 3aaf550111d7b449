using Scheduler.Dataflows;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Engine;

/// <summary>One job to run: the workflow, its bound parameters as given and as typed, and the job's own folder.</summary>
public sealed record WorkflowRunRequest(
    string JobId,
    WorkflowDefinition Workflow,
    IReadOnlyList<ParameterAssignment> Assignments,
    BoundParameters Parameters,
    string JobDirectory)
{
    /// <summary>The job's secret values as given; the run adds the values of the secret variables it binds.</summary>
    public SecretRedactor Redactor { get; init; } = new();

    /// <summary>
    /// The job runs again after the service's own infrastructure failed it: the steps its record says Completed are
    /// kept with their outputs and not run again; the run goes on from the steps that had not finished.
    /// </summary>
    public bool Resume { get; init; }

    /// <summary>What the job knows about itself (<c>${Context.JobId}</c>); null: the job id and workflow, started now.</summary>
    public RunContext? Context { get; init; }

    /// <summary>The stored version of the workflow definition that runs, for the job's record.</summary>
    public int? WorkflowVersion { get; init; }

    /// <summary>
    /// Says where this delivery of the job runs and where the one before stopped, for the job's log. Asked only when
    /// the job's record shows that an earlier delivery had started it, so that a first delivery pays nothing for it.
    /// </summary>
    public Func<string?>? DescribeRedelivery { get; init; }
}

/// <summary>How a job ended; <paramref name="Error"/> names the failed step and why.</summary>
public sealed record WorkflowRunResult(RunStatus Status, string? Error)
{
    /// <summary>The workflow's output values, computed from task outputs when it ended.</summary>
    public IReadOnlyDictionary<string, object?> Outputs { get; init; } = new Dictionary<string, object?>();

    /// <summary>Every step as last recorded (secrets masked), in the record's order: what the job's record holds, without reading it back.</summary>
    public IReadOnlyList<StepRun> Steps { get; init; } = [];
}

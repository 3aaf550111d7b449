using Scheduler.Workflows.Binding;

namespace Scheduler.Workflows.Runs;

/// <summary>The life of a job as its callers see it.</summary>
public enum RunStatus
{
    Queued,
    NotStarted,
    Running,

    /// <summary>A cancel was asked for while the job ran; it still runs until its steps have stopped.</summary>
    Cancelling,
    Completed,
    Failed,
    Cancelled,
}

public enum StepStatus
{
    Pending,
    Running,
    Completed,
    Failed,
    Skipped,
    Cancelled,
}

/// <summary>The service's own durable record of a job; it outlives the queue's expiry of finished jobs.</summary>
public sealed record JobRun(
    string JobId,
    string Workflow,
    RunStatus Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyList<ParameterAssignment> Parameters,
    string? Error,
    IReadOnlyList<StepRun> Steps)
{
    /// <summary>The stored version of the workflow definition the job was made from (and, once it started, ran).</summary>
    public int? WorkflowVersion { get; init; }

    /// <summary>The job this one runs again, for a retry.</summary>
    public string? RetryOf { get; init; }

    /// <summary>The workflow's output values, computed from task outputs when the job ended.</summary>
    public IReadOnlyDictionary<string, object?> Outputs { get; init; } = new Dictionary<string, object?>();
}

/// <summary>Which jobs to list: each filter is optional; newest first, <paramref name="Limit"/> from <paramref name="Offset"/>.</summary>
public sealed record JobRunQuery(RunStatus? Status, string? Workflow, DateTimeOffset? CreatedFrom, DateTimeOffset? CreatedTo, int Limit, int Offset);

/// <summary>A page of job records (without their steps) and how many match in all.</summary>
public sealed record JobRunPage(IReadOnlyList<JobRun> Runs, long Total);

/// <summary>One task of a job: what ran, when, what it produced and why it failed.</summary>
public sealed record StepRun(
    string Name,
    string Type,
    StepStatus Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    IReadOnlyDictionary<string, object?> Outputs,
    string? Error)
{
    public static StepRun Pending(string name, string type) => new(name, type, StepStatus.Pending, null, null, new Dictionary<string, object?>(), null);
}

using Scheduler.Workflows.Binding;

namespace Scheduler.Workflows.Runs;

/// <summary>The life of a job as its callers see it.</summary>
public enum RunStatus
{
    Queued,
    NotStarted,
    Running,
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
    IReadOnlyList<StepRun> Steps);

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

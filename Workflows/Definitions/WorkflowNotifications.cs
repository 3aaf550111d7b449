namespace Scheduler.Workflows.Definitions;

/// <summary>
/// Tasks that run once the workflow's graph has ended, to tell someone how it went (typically SendMail or Http):
/// <see cref="OnFailure"/> when the job failed, <see cref="OnSuccess"/> when it completed, <see cref="OnFinished"/>
/// after either, in that order and one at a time. They read the variables, the outputs of every task that completed
/// and <c>${Job.status}</c> and <c>${Job.error}</c>; what they do never changes the job's outcome. A cancelled job
/// runs none of them: a cancel is a person's decision or the service stopping, and the job may be delivered again.
/// </summary>
public sealed record WorkflowNotifications(
    IReadOnlyList<TaskDefinition> OnFailure,
    IReadOnlyList<TaskDefinition> OnSuccess,
    IReadOnlyList<TaskDefinition> OnFinished)
{
    /// <summary>How many tasks one list may hold.</summary>
    public const int MaxPerList = 10;

    public static WorkflowNotifications None { get; } = new([], [], []);

    /// <summary>Every notification task with the name of its list in the document and its place there, in the order they run.</summary>
    public IEnumerable<(string List, int Index, TaskDefinition Task)> All =>
        OnFailure.Select((t, i) => ("onFailure", i, t))
            .Concat(OnSuccess.Select((t, i) => ("onSuccess", i, t)))
            .Concat(OnFinished.Select((t, i) => ("onFinished", i, t)));
}

namespace Scheduler.Dataflows;

/// <summary>
/// What a running job knows about itself, readable in workflows as <c>${Context.JobId}</c> and in expressions (a
/// Decision's, a dataflow's Filter, Derive and Validate) as <c>Context.JobId</c>. Every member has a value: text that
/// does not apply to the run (a retry's <see cref="RetryOf"/> for a first run) is empty, never null, so that an
/// expression can compare it without a null check and a definition that reads it is valid whatever started the job.
/// </summary>
public sealed record RunContext(string JobId, string Workflow, DateTimeOffset StartedAt)
{
    /// <summary>The name under which definitions read these values.</summary>
    public const string Object = "Context";

    /// <summary>Who or what made the job: a user's name, <c>schedule:{id}</c> or <c>file:{path}</c>.</summary>
    public string TriggeredBy { get; init; } = "";

    /// <summary>The schedule that made the job (a cron or a file-drop schedule); empty for a run request.</summary>
    public string ScheduleId { get; init; } = "";

    /// <summary>The job this one runs again, for a retry.</summary>
    public string RetryOf { get; init; } = "";

    /// <summary>The path of the file, on the trigger's connection, whose arrival started the job (a file-drop schedule).</summary>
    public string DroppedFilePath { get; init; } = "";

    /// <summary>The members and their .NET types, for checking definitions before any job runs.</summary>
    public static IReadOnlyList<(string Name, Type Type)> Members { get; } =
    [
        (nameof(JobId), typeof(string)),
        (nameof(Workflow), typeof(string)),
        (nameof(StartedAt), typeof(DateTimeOffset)),
        (nameof(TriggeredBy), typeof(string)),
        (nameof(ScheduleId), typeof(string)),
        (nameof(RetryOf), typeof(string)),
        (nameof(DroppedFilePath), typeof(string)),
    ];

    /// <summary>The context of a run outside any job (a dataflow run on its own, a check of a definition).</summary>
    public static RunContext None { get; } = new("", "", DateTimeOffset.UnixEpoch);

    /// <summary>Each value by its qualified name, <c>Context.JobId</c>, in the order of <see cref="Members"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, object?>> Values =>
    [
        new($"{Object}.{nameof(JobId)}", JobId),
        new($"{Object}.{nameof(Workflow)}", Workflow),
        new($"{Object}.{nameof(StartedAt)}", StartedAt),
        new($"{Object}.{nameof(TriggeredBy)}", TriggeredBy),
        new($"{Object}.{nameof(ScheduleId)}", ScheduleId),
        new($"{Object}.{nameof(RetryOf)}", RetryOf),
        new($"{Object}.{nameof(DroppedFilePath)}", DroppedFilePath),
    ];
}

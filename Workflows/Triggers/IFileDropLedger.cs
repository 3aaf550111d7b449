namespace Scheduler.Workflows.Triggers;

/// <summary>
/// What the polls of each file-drop schedule have seen and started, shared by every node: a file is claimed by one
/// poll only, whichever node runs it, and a started file is remembered across restarts.
/// </summary>
public interface IFileDropLedger
{
    /// <summary>
    /// Records the files one poll listed and returns those that are due: unchanged since a poll at least
    /// <paramref name="stableFor"/> earlier, and never started. A file that changed since (still being written) is a
    /// new identity and waits; identities no longer listed are forgotten (started ones a day after they were last listed).
    /// </summary>
    Task<IReadOnlyList<DroppedFile>> ObserveAsync(
        string scheduleId, IReadOnlyList<DroppedFile> listed, DateTimeOffset now, TimeSpan stableFor, CancellationToken cancellationToken);

    /// <summary>True for exactly one caller per file: it starts the job. A claim whose job was never recorded is free again after <see cref="FileDropLimits.AbandonedClaim"/>.</summary>
    Task<bool> ClaimAsync(string scheduleId, DroppedFile file, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>Frees a claim whose job could not be made, for the next poll.</summary>
    Task ReleaseAsync(string scheduleId, DroppedFile file, CancellationToken cancellationToken);

    Task RecordJobAsync(string scheduleId, DroppedFile file, string jobId, CancellationToken cancellationToken);

    /// <summary>The newest job the schedule started, if it still remembers one.</summary>
    Task<FileDropStart?> LastStartAsync(string scheduleId, CancellationToken cancellationToken);

    /// <summary>The schedules it remembers files of.</summary>
    Task<IReadOnlyList<string>> SchedulesAsync(CancellationToken cancellationToken);

    /// <summary>Forgets every file of a deleted schedule.</summary>
    Task ForgetAsync(string scheduleId, CancellationToken cancellationToken);
}

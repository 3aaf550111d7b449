namespace Scheduler.Workflows.Triggers;

/// <summary>The limits of a file-drop schedule, checked when it is saved (and, for the files per poll, on each poll).</summary>
public static class FileDropLimits
{
    /// <summary>The shortest poll interval: schedules are looked at this often (see the cron schedules' minimum).</summary>
    public static TimeSpan MinimumPollInterval { get; } = TimeSpan.FromSeconds(15);

    /// <summary>The longest poll interval: one day.</summary>
    public static TimeSpan MaximumPollInterval { get; } = TimeSpan.FromDays(1);

    /// <summary>The poll interval when the trigger gives none.</summary>
    public static TimeSpan DefaultPollInterval { get; } = TimeSpan.FromSeconds(60);

    /// <summary>The most jobs one poll starts; the other new files wait for the next poll, in name order.</summary>
    public const int MaxFilesPerPoll = 100;

    /// <summary>The longest watched path (folder and pattern), in characters.</summary>
    public const int MaxPathLength = 500;

    /// <summary>
    /// The longest file name a listing may give, in characters (file systems allow 255 bytes): with the path and
    /// the modification time it keys what the store remembers of the file.
    /// </summary>
    public const int MaxListedNameLength = 255;

    /// <summary>The longest modification time a listing may give, in characters (an MLSD time, a LIST line's date columns, an ISO time).</summary>
    public const int MaxListedTimeLength = 64;

    /// <summary>
    /// After how long a claimed file whose job was never recorded (its node died between the two) is claimed again.
    /// Making a job takes milliseconds, so a claim this old has no live holder.
    /// </summary>
    public static TimeSpan AbandonedClaim { get; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a started file is remembered after a poll last listed it, so that a listing that misses it once does not start it again.</summary>
    public static TimeSpan StartedMemory { get; } = TimeSpan.FromDays(1);

    /// <summary>How long a file must be seen unchanged before it is started: half the poll interval, so the second poll that finds it starts it.</summary>
    public static TimeSpan StableFor(TimeSpan pollInterval) => pollInterval / 2;
}

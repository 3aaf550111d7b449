namespace Scheduler.Workflows.Runs;

/// <summary>One line of a job's own log: what a step did, when, in words meant for the person who runs the job.</summary>
public sealed record JobLogLine(DateTimeOffset Timestamp, string? Step, string Level, string Message);

/// <summary>
/// The log of each job, kept with the job's records (not only in the process log) so that it can be read over the API
/// and on the dashboard after the fact, from any node.
/// </summary>
public interface IJobLog
{
    Task AppendAsync(string jobId, IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken);

    Task<IReadOnlyList<JobLogLine>> ReadAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>Deletes the logs of these jobs (whose records were purged).</summary>
    Task DeleteAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken);
}

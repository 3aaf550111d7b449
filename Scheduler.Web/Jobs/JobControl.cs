using Hangfire;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>What became of a cancel or retry request.</summary>
public enum JobControlOutcome
{
    Done,
    UnknownJob,

    /// <summary>The job is not in a state the action applies to (cancel a finished job, retry a running one).</summary>
    WrongState,

    Refused,
}

public sealed record JobControlResult(JobControlOutcome Outcome, string? Status, string? Detail, JobLaunch? Launch = null);

/// <summary>
/// Cancels and retries jobs. A cancel deletes the job in Hangfire: a queued job then never starts, and a running one
/// sees its cancellation token fire within <c>CancellationCheckInterval</c>, after which the engine stops its tasks
/// and records Cancelled.
/// </summary>
public sealed class JobControl(JobQueries queries, JobLauncher launcher, IBackgroundJobClient jobs, IJobRunStore runs, TimeProvider time)
{
    public async Task<JobControlResult> CancelAsync(string jobId, string? by, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(jobId, cancellationToken) is not { } found)
        {
            return new(JobControlOutcome.UnknownJob, null, null);
        }

        if (found.HasEnded || !jobs.Delete(jobId))
        {
            var now = await queries.FindAsync(jobId, cancellationToken) ?? found;
            return new(JobControlOutcome.WrongState, now.Status.ToString(), $"The job {jobId} has already ended ({now.Status}); only a queued or running job can be cancelled.");
        }

        if (found.Status == RunStatus.Running)
        {
            return new(JobControlOutcome.Done, "Cancelling", null);
        }

        // No worker will touch a job deleted before it started: its record is closed here.
        await runs.FinishAsync(jobId, RunStatus.Cancelled, time.GetUtcNow(), $"cancelled before it started{(by is null ? "" : $" by {by}")}", CancellationToken.None);
        return new(JobControlOutcome.Done, RunStatus.Cancelled.ToString(), null);
    }

    public async Task<JobControlResult> RetryAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(jobId, cancellationToken) is not { } found)
        {
            return new(JobControlOutcome.UnknownJob, null, null);
        }

        if (found.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            return new(JobControlOutcome.WrongState, found.Status.ToString(), $"The job {jobId} is {found.Status}; only a failed or cancelled job can be retried.");
        }

        var launch = await launcher.RetryAsync(found.Run, cancellationToken);
        return launch.JobId is null
            ? new(JobControlOutcome.Refused, found.Status.ToString(), null, launch)
            : new(JobControlOutcome.Done, RunStatus.Queued.ToString(), null, launch);
    }
}

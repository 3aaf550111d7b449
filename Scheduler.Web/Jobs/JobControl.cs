using Hangfire;
using Hangfire.States;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>What became of a cancel or retry request.</summary>
internal enum JobControlOutcome
{
    Done,
    UnknownJob,

    /// <summary>The job is not in a state the action applies to (cancel a finished job, retry a running one).</summary>
    WrongState,

    Refused,
}

internal sealed record JobControlResult(JobControlOutcome Outcome, string? Status, string? Detail, JobLaunch? Launch = null);

/// <summary>
/// Cancels and retries jobs. A cancel deletes the job in Hangfire: a queued job then never starts, and a running one
/// sees its cancellation token fire within <c>CancellationCheckInterval</c>, after which the engine stops its tasks
/// and records how the job ended. Until then the record says Cancelling. A step that has already committed its work
/// (a load past its COMMIT) is not undone: when every step had finished, the job ends Completed and its log says the
/// cancel came too late.
/// </summary>
internal sealed class JobControl(JobQueries queries, JobLauncher launcher, IBackgroundJobClient jobs, IJobRunStore runs, TimeProvider time)
{
    public async Task<JobControlResult> CancelAsync(string jobId, string? by, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(jobId, cancellationToken) is not { } found)
        {
            return new(JobControlOutcome.UnknownJob, null, null);
        }

        if (found.Status == RunStatus.Cancelling)
        {
            return new(JobControlOutcome.Done, RunStatus.Cancelling.ToString(), null);
        }

        if (found.HasEnded || !jobs.Delete(jobId))
        {
            return await EndedAsync(jobId, found, "has already ended", cancellationToken);
        }

        // A worker may have taken the job before its record says Running: it is cancelled as a running job.
        if (found.Status == RunStatus.Running || found.State == ProcessingState.StateName)
        {
            // The engine may have recorded the end between the look-up and the delete: then the cancel came too late.
            // A job that no worker ran at that moment (waiting to run again) was ended Cancelled by the delete itself.
            if (await runs.MarkCancellingAsync(jobId, CancellationToken.None))
            {
                return new(JobControlOutcome.Done, RunStatus.Cancelling.ToString(), null);
            }

            return await queries.FindAsync(jobId, cancellationToken) is { Status: RunStatus.Cancelled }
                ? new(JobControlOutcome.Done, RunStatus.Cancelled.ToString(), null)
                : await EndedAsync(jobId, found, "finished before the cancel took effect", cancellationToken);
        }

        // No worker will touch a job deleted before it started: its record is closed here.
        await runs.FinishAsync(jobId, RunStatus.Cancelled, time.GetUtcNow(), $"cancelled before it started{(by is null ? "" : $" by {by}")}", null, [], CancellationToken.None);
        return new(JobControlOutcome.Done, RunStatus.Cancelled.ToString(), null);
    }

    private async Task<JobControlResult> EndedAsync(string jobId, FoundJob found, string what, CancellationToken cancellationToken)
    {
        var now = await queries.FindAsync(jobId, cancellationToken) ?? found;
        return new(JobControlOutcome.WrongState, now.Status.ToString(), $"The job {jobId} {what} ({now.Status}); only a queued or running job can be cancelled.");
    }

    public async Task<JobControlResult> RetryAsync(string jobId, string? by, CancellationToken cancellationToken)
    {
        if (await queries.FindAsync(jobId, cancellationToken) is not { } found)
        {
            return new(JobControlOutcome.UnknownJob, null, null);
        }

        if (found.Status is not (RunStatus.Failed or RunStatus.Cancelled))
        {
            return new(JobControlOutcome.WrongState, found.Status.ToString(), $"The job {jobId} is {found.Status}; only a failed or cancelled job can be retried.");
        }

        var launch = await launcher.RetryAsync(found.Run, by, cancellationToken);
        return launch.JobId is null
            ? new(JobControlOutcome.Refused, found.Status.ToString(), null, launch)
            : new(JobControlOutcome.Done, RunStatus.Queued.ToString(), null, launch);
    }
}

using Hangfire;
using Hangfire.States;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// A job's record with Hangfire's state where Hangfire still knows the job. The status is the record's, as in the list:
/// <see cref="JobRecordFilter"/> and <see cref="JobReconciler"/> keep the record in line with the queue.
/// </summary>
internal sealed record FoundJob(JobRun Run, string? State)
{
    public RunStatus Status => Run.Status;

    public bool HasEnded => Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
}

/// <summary>
/// Answers status, detail, list and log requests from the job's own records (the status of each, everywhere), with
/// Hangfire's state where Hangfire still knows the job. Only ids that have a record reach Hangfire, so a malformed id is a 404, never a
/// storage error. Secret parameter values are masked in everything returned.
/// </summary>
internal sealed class JobQueries(IJobRunStore runs, IJobLog log, JobSecrets secrets, JobStorage storage, JobHeartbeats heartbeats)
{
    /// <summary>The status of a step that was running on a worker that stopped heart-beating; the job itself stays Running.</summary>
    public const string InterruptedStep = "Interrupted";

    public async Task<JobStatusResponse?> GetStatusAsync(string jobId, CancellationToken cancellationToken) =>
        await FindAsync(jobId, cancellationToken) is { } found
            ? new JobStatusResponse(jobId, found.Status.ToString(), found.State)
            : null;

    public async Task<JobDetailsResponse?> GetDetailsAsync(string jobId, CancellationToken cancellationToken) =>
        await runs.FindAsync(jobId, cancellationToken) is { } run
            ? await DetailsAsync(run, await secrets.RedactorAsync(run.Parameters, cancellationToken), cancellationToken)
            : null;

    /// <summary>The details and the log together, for the dashboard's job page: one read of the record, one reveal of its secrets.</summary>
    public async Task<(JobDetailsResponse Details, JobLogResponse Log)?> GetDetailsAndLogAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await runs.FindAsync(jobId, cancellationToken) is not { } run)
        {
            return null;
        }

        var redactor = await secrets.RedactorAsync(run.Parameters, cancellationToken);
        return (await DetailsAsync(run, redactor, cancellationToken), await LogAsync(jobId, redactor, cancellationToken));
    }

    public async Task<JobListResponse> ListAsync(JobRunQuery query, CancellationToken cancellationToken)
    {
        var page = await runs.ListAsync(query, cancellationToken);
        var jobs = new List<JobSummary>(page.Runs.Count);
        foreach (var run in page.Runs)
        {
            var redactor = await secrets.RedactorAsync(run.Parameters, cancellationToken);
            jobs.Add(new JobSummary(
                run.JobId,
                run.Workflow,
                run.WorkflowVersion,
                run.Status.ToString(),
                run.CreatedAt,
                run.StartedAt,
                run.FinishedAt,
                redactor.Mask(run.Error),
                JobSecrets.Masked(run.Parameters),
                run.RetryOf));
        }

        return new JobListResponse(jobs, page.Total, query.Limit, query.Offset);
    }

    public async Task<JobLogResponse?> GetLogAsync(string jobId, CancellationToken cancellationToken) =>
        await runs.FindAsync(jobId, cancellationToken) is { } run
            ? await LogAsync(jobId, await secrets.RedactorAsync(run.Parameters, cancellationToken), cancellationToken)
            : null;

    public async Task<FoundJob?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await runs.FindAsync(jobId, cancellationToken) is not { } run)
        {
            return null;
        }

        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        return new(run, state);
    }

    // Hangfire's state comes from the same read of its history as the delivery: one read of the queue, not two.
    private async Task<JobDetailsResponse> DetailsAsync(JobRun run, SecretRedactor redactor, CancellationToken cancellationToken)
    {
        var delivery = JobDelivery.Read(storage, run.JobId);
        var interruption = run.Status == RunStatus.Running && delivery?.State == ProcessingState.StateName
            ? await heartbeats.FindInterruptionAsync(run.JobId, delivery.Node, cancellationToken)
            : null;
        return new JobDetailsResponse(
            run.JobId,
            run.Workflow,
            run.Status.ToString(),
            delivery?.State,
            run.CreatedAt,
            run.StartedAt,
            run.FinishedAt,
            redactor.Mask(run.Error),
            JobSecrets.Masked(run.Parameters),
            [.. run.Steps.Select(s => new StepResponse(
                s.Name,
                s.Type,
                interruption is not null && s.Status == StepStatus.Running ? InterruptedStep : s.Status.ToString(),
                s.StartedAt,
                s.FinishedAt,
                s.FinishedAt - s.StartedAt is { } duration ? Math.Round(duration.TotalSeconds, 3) : null,
                redactor.Mask(s.Outputs),
                redactor.Mask(s.Error)))],
            run.WorkflowVersion,
            run.RetryOf,
            redactor.Mask(run.Outputs),
            delivery?.Attempt is > 0 ? delivery.Attempt : null,
            delivery?.Node,
            interruption);
    }

    // Records are masked as they are written; this masks those written before that, once more.
    private async Task<JobLogResponse> LogAsync(string jobId, SecretRedactor redactor, CancellationToken cancellationToken) =>
        new(jobId, [.. (await log.ReadAsync(jobId, cancellationToken)).Select(l => l with { Message = redactor.Mask(l.Message) })]);
}

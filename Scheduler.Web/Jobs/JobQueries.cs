using Hangfire;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Answers status and detail requests from the job's own record, with the live state from Hangfire where Hangfire
/// still knows the job. Only ids that have a record reach Hangfire, so a malformed id is a 404, never a storage error.
/// </summary>
public sealed class JobQueries(IJobRunStore runs, JobStorage storage)
{
    public async Task<JobStatusResponse?> GetStatusAsync(string jobId, CancellationToken cancellationToken) =>
        await FindAsync(jobId, cancellationToken) is { } found
            ? new JobStatusResponse(jobId, found.Status.ToString(), found.State)
            : null;

    public async Task<JobDetailsResponse?> GetDetailsAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await FindAsync(jobId, cancellationToken) is not { } found)
        {
            return null;
        }

        var run = found.Run;
        return new JobDetailsResponse(
            run.JobId,
            run.Workflow,
            found.Status.ToString(),
            found.State,
            run.CreatedAt,
            run.StartedAt,
            run.FinishedAt,
            run.Error,
            run.Parameters,
            [.. run.Steps.Select(s => new StepResponse(
                s.Name,
                s.Type,
                s.Status.ToString(),
                s.StartedAt,
                s.FinishedAt,
                s.FinishedAt - s.StartedAt is { } duration ? Math.Round(duration.TotalSeconds, 3) : null,
                s.Outputs,
                s.Error))]);
    }

    private async Task<(JobRun Run, RunStatus Status, string? State)?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await runs.FindAsync(jobId, cancellationToken) is not { } run)
        {
            return null;
        }

        using var connection = storage.GetConnection();
        var state = connection.GetStateData(jobId)?.Name;
        return (run, JobStatusMapper.FromHangfireState(state) ?? run.Status, state);
    }
}

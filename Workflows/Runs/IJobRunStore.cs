namespace Scheduler.Workflows.Runs;

/// <summary>
/// Where job records live. Every write is an upsert keyed by job id, because the API's "created" write and the
/// worker's "started" write race when a worker picks a job up at once.
/// </summary>
public interface IJobRunStore
{
    Task CreateAsync(JobRun run, CancellationToken cancellationToken);

    Task StartAsync(JobRun run, CancellationToken cancellationToken);

    Task SaveStepAsync(string jobId, int position, StepRun step, CancellationToken cancellationToken);

    Task FinishAsync(string jobId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken);

    Task<JobRun?> FindAsync(string jobId, CancellationToken cancellationToken);
}

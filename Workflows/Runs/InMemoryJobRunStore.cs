using System.Collections.Concurrent;

namespace Scheduler.Workflows.Runs;

/// <summary>Job records for the embedded mode (no database): gone when the process ends, like the queue itself.</summary>
public sealed class InMemoryJobRunStore : IJobRunStore
{
    private readonly ConcurrentDictionary<string, JobRun> _runs = new(StringComparer.Ordinal);

    public Task CreateAsync(JobRun run, CancellationToken cancellationToken)
    {
        _runs.TryAdd(run.JobId, run);
        return Task.CompletedTask;
    }

    public Task StartAsync(JobRun run, CancellationToken cancellationToken)
    {
        _runs.AddOrUpdate(run.JobId, run, (_, existing) => run with { CreatedAt = existing.CreatedAt });
        return Task.CompletedTask;
    }

    public Task SaveStepAsync(string jobId, int position, StepRun step, CancellationToken cancellationToken)
    {
        Update(jobId, run =>
        {
            var steps = run.Steps.ToList();
            steps[position] = step;
            return run with { Steps = steps };
        });
        return Task.CompletedTask;
    }

    public Task FinishAsync(string jobId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken)
    {
        Update(jobId, run => run with { Status = status, FinishedAt = finishedAt, Error = error });
        return Task.CompletedTask;
    }

    public Task<JobRun?> FindAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.TryGetValue(jobId, out var run) ? run : null);

    private void Update(string jobId, Func<JobRun, JobRun> change)
    {
        while (_runs.TryGetValue(jobId, out var run) && !_runs.TryUpdate(jobId, change(run), run))
        {
        }
    }
}

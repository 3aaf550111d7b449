using System.Collections.Concurrent;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Job records for the embedded mode (no database): gone when the process ends, like the queue itself. The log lines
/// that come with a record's write go to <paramref name="log"/>.
/// </summary>
public sealed class InMemoryJobRunStore(InMemoryIdempotencyKeys keys, InMemoryJobLog log) : IJobRunStore
{
    private readonly ConcurrentDictionary<string, JobRun> _runs = new(StringComparer.Ordinal);

    /// <summary>Records with idempotency keys and a log of their own, for a store used alone.</summary>
    public InMemoryJobRunStore()
        : this(new InMemoryIdempotencyKeys(TimeProvider.System), new InMemoryJobLog())
    {
    }

    public Task CreateAsync(JobRun run, CancellationToken cancellationToken)
    {
        Create(run);
        return Task.CompletedTask;
    }

    public void Create(JobRun run) => _runs.TryAdd(run.JobId, run);

    // In one process nothing can stop between the two writes but the process itself, which takes both with it.
    public bool CreateClaimed(JobRun run, string key, Guid token)
    {
        if (!keys.TryComplete(key, token, run.JobId))
        {
            return false;
        }

        _runs.TryAdd(run.JobId, run);
        return true;
    }

    public Task<bool> StartAsync(JobRun run, CancellationToken cancellationToken)
    {
        // What the API wrote when it made the job stays: its parameters as shown (secrets masked) and its links.
        var startedBefore = _runs.TryGetValue(run.JobId, out var before) && before.StartedAt is not null;
        _runs.AddOrUpdate(run.JobId, run, (_, existing) => run with
        {
            Status = existing.Status == RunStatus.Cancelling ? existing.Status : run.Status,
            CreatedAt = existing.CreatedAt,
            Parameters = existing.Parameters,
            WorkflowVersion = run.WorkflowVersion ?? existing.WorkflowVersion,
            RetryOf = existing.RetryOf,
        });
        return Task.FromResult(startedBefore);
    }

    public Task SaveStepAsync(string jobId, int position, StepRun step, IReadOnlyList<JobLogLine> logLines, CancellationToken cancellationToken)
    {
        Update(jobId, run =>
        {
            var steps = run.Steps.ToList();
            steps[position] = step;
            return run with { Steps = steps };
        });
        return log.AppendAsync(jobId, logLines, cancellationToken);
    }

    public Task FinishAsync(
        string jobId, RunStatus status, DateTimeOffset finishedAt, string? error, IReadOnlyDictionary<string, object?>? outputs, IReadOnlyList<JobLogLine> logLines,
        CancellationToken cancellationToken)
    {
        Update(jobId, run => run with { Status = status, FinishedAt = finishedAt, Error = error, Outputs = outputs ?? run.Outputs });
        return log.AppendAsync(jobId, logLines, cancellationToken);
    }

    public Task<bool> MarkCancellingAsync(string jobId, CancellationToken cancellationToken)
    {
        var marked = false;
        Update(jobId, run =>
        {
            marked = run.FinishedAt is null;
            return marked ? run with { Status = RunStatus.Cancelling } : run;
        });
        return Task.FromResult(marked);
    }

    public Task<bool> EndIfOpenAsync(string jobId, RunStatus status, DateTimeOffset finishedAt, string error, CancellationToken cancellationToken) =>
        Task.FromResult(EndIfOpen(jobId, status, finishedAt, error));

    public bool EndIfOpen(string jobId, RunStatus status, DateTimeOffset finishedAt, string error)
    {
        var ended = false;
        var stepEnd = StepEnd(status);
        Update(jobId, run =>
        {
            ended = run.FinishedAt is null;
            return ended
                ? run with
                {
                    Status = status,
                    FinishedAt = finishedAt,
                    Error = error,
                    Steps = [.. run.Steps.Select(s => s.Status == StepStatus.Running && stepEnd is { } end ? s with { Status = end, FinishedAt = finishedAt, Error = s.Error ?? error } : s)],
                }
                : run;
        });
        return ended;
    }

    public Task<IReadOnlyList<JobRun>> ListOpenAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<JobRun>>([.. _runs.Values
            .Where(r => r.FinishedAt is null && r.CreatedAt < createdBefore)
            .OrderBy(r => r.CreatedAt)
            .Take(limit)
            .Select(r => r with { Steps = [] })]);

    /// <summary>What a step still Running becomes when a repair ends its job; null leaves it as it is.</summary>
    internal static StepStatus? StepEnd(RunStatus jobEnd) => jobEnd switch
    {
        RunStatus.Failed => StepStatus.Failed,
        RunStatus.Cancelled => StepStatus.Cancelled,
        _ => null,
    };

    public Task<JobRun?> FindAsync(string jobId, CancellationToken cancellationToken) =>
        Task.FromResult(_runs.TryGetValue(jobId, out var run) ? run : null);

    public Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        var purged = _runs.Values
            .Where(r => r.Status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled && r.FinishedAt < endedBefore)
            .Select(r => r.JobId)
            .Where(id => _runs.TryRemove(id, out _))
            .ToList();
        keys.Forget(purged, pendingBefore: endedBefore);
        return Task.FromResult<IReadOnlyList<string>>(purged);
    }

    public Task<JobRunPage> ListAsync(JobRunQuery query, CancellationToken cancellationToken)
    {
        var matching = _runs.Values
            .Where(r => query.Status is not { } status || r.Status == status)
            .Where(r => query.Workflow is not { } workflow || string.Equals(r.Workflow, workflow, StringComparison.OrdinalIgnoreCase))
            .Where(r => query.CreatedFrom is not { } from || r.CreatedAt >= from)
            .Where(r => query.CreatedTo is not { } to || r.CreatedAt < to)
            .OrderByDescending(r => r.CreatedAt)
            .ThenByDescending(r => r.JobId.Length)
            .ThenByDescending(r => r.JobId, StringComparer.Ordinal)
            .ToList();
        return Task.FromResult(new JobRunPage([.. matching.Skip(query.Offset).Take(query.Limit).Select(r => r with { Steps = [] })], matching.Count));
    }

    private void Update(string jobId, Func<JobRun, JobRun> change)
    {
        while (_runs.TryGetValue(jobId, out var run) && !_runs.TryUpdate(jobId, change(run), run))
        {
        }
    }
}

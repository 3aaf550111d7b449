using System.Collections.Concurrent;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>Job logs for the embedded mode (no database): gone when the process ends, like the job records.</summary>
public sealed class InMemoryJobLog : IJobLog
{
    private readonly ConcurrentDictionary<string, List<JobLogLine>> _logs = new(StringComparer.Ordinal);

    public Task AppendAsync(string jobId, IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken)
    {
        // Most record writes carry no lines: no entry is made for a job until it has one.
        if (lines.Count == 0)
        {
            return Task.CompletedTask;
        }

        var log = _logs.GetOrAdd(jobId, _ => []);
        lock (log)
        {
            log.AddRange(lines);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<JobLogLine>> ReadAsync(string jobId, CancellationToken cancellationToken)
    {
        if (!_logs.TryGetValue(jobId, out var log))
        {
            return Task.FromResult<IReadOnlyList<JobLogLine>>([]);
        }

        lock (log)
        {
            return Task.FromResult<IReadOnlyList<JobLogLine>>([.. log]);
        }
    }

    public Task DeleteAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        foreach (var jobId in jobIds)
        {
            _logs.TryRemove(jobId, out _);
        }

        return Task.CompletedTask;
    }
}

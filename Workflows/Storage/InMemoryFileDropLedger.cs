using Scheduler.Workflows.Triggers;

namespace Scheduler.Workflows.Storage;

/// <summary>The file-drop ledger of the embedded mode (no database): it lives as long as the process, as its queue does.</summary>
public sealed class InMemoryFileDropLedger : IFileDropLedger
{
    private readonly Lock _lock = new();
    private readonly Dictionary<(string Schedule, DroppedFile File), Entry> _entries = [];

    public Task<IReadOnlyList<DroppedFile>> ObserveAsync(
        string scheduleId, IReadOnlyList<DroppedFile> listed, DateTimeOffset now, TimeSpan stableFor, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var file in listed)
            {
                if (!_entries.TryGetValue((scheduleId, file), out var entry))
                {
                    _entries[(scheduleId, file)] = entry = new Entry { FirstSeen = now };
                }

                entry.LastSeen = now;
            }

            var current = listed.ToHashSet();
            foreach (var key in _entries.Where(e => e.Key.Schedule == scheduleId && !current.Contains(e.Key.File)
                && (e.Value.ClaimedAt is null || e.Value.LastSeen < now - FileDropLimits.StartedMemory)).Select(e => e.Key).ToList())
            {
                _entries.Remove(key);
            }

            IReadOnlyList<DroppedFile> due = [.. listed.Distinct()
                .Where(file => _entries[(scheduleId, file)] is { JobId: null } entry && entry.FirstSeen <= now - stableFor && Claimable(entry, now))
                .OrderBy(file => file.Path, StringComparer.Ordinal)];
            return Task.FromResult(due);
        }
    }

    public Task<bool> ClaimAsync(string scheduleId, DroppedFile file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            var claimed = _entries.TryGetValue((scheduleId, file), out var entry) && entry.JobId is null && Claimable(entry, now);
            if (claimed)
            {
                entry!.ClaimedAt = now;
            }

            return Task.FromResult(claimed);
        }
    }

    public Task ReleaseAsync(string scheduleId, DroppedFile file, CancellationToken cancellationToken) =>
        Update(scheduleId, file, entry => entry.ClaimedAt = entry.JobId is null ? null : entry.ClaimedAt);

    public Task RecordJobAsync(string scheduleId, DroppedFile file, string jobId, CancellationToken cancellationToken) =>
        Update(scheduleId, file, entry => entry.JobId = jobId);

    public Task<FileDropStart?> LastStartAsync(string scheduleId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult(_entries
                .Where(e => e.Key.Schedule == scheduleId && e.Value.JobId is not null)
                .OrderByDescending(e => e.Value.ClaimedAt)
                .Select(e => new FileDropStart(e.Key.File.Path, e.Value.JobId!, e.Value.ClaimedAt!.Value))
                .FirstOrDefault());
        }
    }

    public Task<IReadOnlyList<string>> SchedulesAsync(CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<string>>([.. _entries.Keys.Select(key => key.Schedule).Distinct()]);
        }
    }

    public Task ForgetAsync(string scheduleId, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            foreach (var key in _entries.Keys.Where(k => k.Schedule == scheduleId).ToList())
            {
                _entries.Remove(key);
            }
        }

        return Task.CompletedTask;
    }

    private static bool Claimable(Entry entry, DateTimeOffset now) => entry.ClaimedAt is null || entry.ClaimedAt < now - FileDropLimits.AbandonedClaim;

    private Task Update(string scheduleId, DroppedFile file, Action<Entry> change)
    {
        lock (_lock)
        {
            if (_entries.TryGetValue((scheduleId, file), out var entry))
            {
                change(entry);
            }
        }

        return Task.CompletedTask;
    }

    private sealed class Entry
    {
        public DateTimeOffset FirstSeen { get; init; }

        public DateTimeOffset LastSeen { get; set; }

        public DateTimeOffset? ClaimedAt { get; set; }

        public string? JobId { get; set; }
    }
}

using System.Collections.Concurrent;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Idempotency keys for the embedded mode (no database): they live as long as the queue does. The job records of this
/// mode (<see cref="InMemoryJobRunStore"/>) complete a key with its job and forget it with the job's record.
/// </summary>
public sealed class InMemoryIdempotencyKeys(TimeProvider time) : IIdempotencyKeys
{
    private readonly ConcurrentDictionary<string, Held> _keys = new(StringComparer.Ordinal);

    public Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var mine = new Held(requestHash, Guid.NewGuid(), now, null);
        while (true)
        {
            var held = _keys.GetOrAdd(key, mine);
            var free = ReferenceEquals(held, mine);
            if (!free && (held.JobId is not null || now - held.ClaimedAt <= IdempotencyClaim.PendingLimit))
            {
                return Task.FromResult(Claim(held, now));
            }

            if (free || _keys.TryUpdate(key, mine, held))
            {
                return Task.FromResult(new IdempotencyClaim(Claimed: true, requestHash, null) { Token = mine.Token });
            }

            // Another request took the stale claim over, or it was completed or released, in the meantime: look again.
        }
    }

    public Task ReleaseAsync(string key, Guid token, CancellationToken cancellationToken)
    {
        if (_keys.TryGetValue(key, out var held) && held.Token == token && held.JobId is null)
        {
            _keys.TryRemove(KeyValuePair.Create(key, held));
        }

        return Task.CompletedTask;
    }

    public Task<IdempotencyClaim?> FindAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.TryGetValue(key, out var held) ? Claim(held, time.GetUtcNow()) : null);

    /// <summary>Completes the claim <paramref name="token"/> with its job; false when another request took the claim over.</summary>
    internal bool TryComplete(string key, Guid token, string jobId) =>
        _keys.TryGetValue(key, out var held) && held.Token == token && (held.JobId ?? jobId) == jobId
        && _keys.TryUpdate(key, held with { JobId = jobId }, held);

    /// <summary>Forgets the keys of jobs whose records were purged, and the claims that were left without a job before <paramref name="pendingBefore"/>.</summary>
    internal void Forget(IEnumerable<string> jobIds, DateTimeOffset pendingBefore)
    {
        var purged = jobIds.ToHashSet(StringComparer.Ordinal);
        foreach (var (key, held) in _keys)
        {
            if (held.JobId is { } jobId ? purged.Contains(jobId) : held.ClaimedAt < pendingBefore)
            {
                _keys.TryRemove(KeyValuePair.Create(key, held));
            }
        }
    }

    private static IdempotencyClaim Claim(Held held, DateTimeOffset now) =>
        new(Claimed: false, held.RequestHash, held.JobId) { Age = now - held.ClaimedAt };

    private sealed record Held(string RequestHash, Guid Token, DateTimeOffset ClaimedAt, string? JobId);
}

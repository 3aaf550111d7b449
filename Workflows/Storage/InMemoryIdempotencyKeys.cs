using System.Collections.Concurrent;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>Idempotency keys for the embedded mode (no database): they live as long as the queue does.</summary>
public sealed class InMemoryIdempotencyKeys : IIdempotencyKeys
{
    private readonly ConcurrentDictionary<string, IdempotencyClaim> _keys = new(StringComparer.Ordinal);

    public Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, CancellationToken cancellationToken)
    {
        var claim = new IdempotencyClaim(Claimed: false, requestHash, null);
        var held = _keys.GetOrAdd(key, claim);
        return Task.FromResult(ReferenceEquals(held, claim) ? claim with { Claimed = true } : held);
    }

    public Task CompleteAsync(string key, string jobId, CancellationToken cancellationToken)
    {
        _keys.AddOrUpdate(key, _ => throw new InvalidOperationException($"the key '{key}' was not claimed"), (_, held) => held with { JobId = jobId });
        return Task.CompletedTask;
    }

    public Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        _keys.TryRemove(key, out _);
        return Task.CompletedTask;
    }

    public Task<IdempotencyClaim?> FindAsync(string key, CancellationToken cancellationToken) =>
        Task.FromResult(_keys.TryGetValue(key, out var held) ? held : null);
}

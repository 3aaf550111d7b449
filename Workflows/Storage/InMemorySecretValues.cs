using System.Collections.Concurrent;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>Secret values for the embedded mode (no database): they live as long as the queue does, in memory only.</summary>
public sealed class InMemorySecretValues(TimeProvider time) : ISecretValues
{
    private readonly ConcurrentDictionary<Guid, Kept> _values = new();

    public Task<string> KeepAsync(string value, string? owner, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        _values[id] = new Kept(value, owner, time.GetUtcNow(), null);
        return Task.FromResult(SecretReference.For(id));
    }

    public Task ClaimAsync(IReadOnlyCollection<Guid> ids, string owner, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            Update(id, kept => kept.Owner is null ? kept with { Owner = owner } : kept);
        }

        return Task.CompletedTask;
    }

    public Task<string?> RevealForAsync(Guid id, IReadOnlyList<string> owners, CancellationToken cancellationToken) =>
        Task.FromResult(Update(id, kept => kept.Owner is null ? kept with { Owner = owners[0] } : kept) is { } kept && owners.Contains(kept.Owner)
            ? kept.Value
            : null);

    public Task<string?> RevealAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(_values.TryGetValue(id, out var kept) ? kept.Value : null);

    public Task ReleaseAsync(string owner, DateTimeOffset at, CancellationToken cancellationToken)
    {
        foreach (var id in _values.Keys)
        {
            Update(id, kept => kept.Owner == owner && kept.ReleasedAt is null ? kept with { ReleasedAt = at } : kept);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> HoldersAsync(string prefix, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<string>>([.. _values.Values
            .Where(kept => kept.ReleasedAt is null && kept.Owner?.StartsWith(prefix, StringComparison.Ordinal) == true)
            .Select(kept => kept.Owner!)
            .Distinct()]);

    public Task<int> PurgeAsync(IReadOnlyCollection<string> owners, DateTimeOffset before, CancellationToken cancellationToken)
    {
        var purged = 0;
        foreach (var (id, kept) in _values)
        {
            var gone = (kept.Owner is { } owner && owners.Contains(owner)) || kept.ReleasedAt < before || (kept.Owner is null && kept.KeptAt < before);
            if (gone && _values.TryRemove(id, out _))
            {
                purged++;
            }
        }

        return Task.FromResult(purged);
    }

    private Kept? Update(Guid id, Func<Kept, Kept> change)
    {
        while (_values.TryGetValue(id, out var kept))
        {
            var changed = change(kept);
            if (_values.TryUpdate(id, changed, kept))
            {
                return changed;
            }
        }

        return null;
    }

    private sealed record Kept(string Value, string? Owner, DateTimeOffset KeptAt, DateTimeOffset? ReleasedAt);
}

using System.Collections.Concurrent;

namespace Scheduler.Web.Accounts;

/// <summary>
/// Failed logins counted by key (an address, a name on an address, a name) within a window, for at most
/// <c>capacity</c> keys: a guesser who makes up names or addresses must not be able to grow the process without
/// limit. Past the capacity the entries whose window is over go first, then the oldest ones that lock nothing, then
/// the locks closest to their end, so a flood makes the throttle forget the least useful things first.
/// </summary>
internal sealed class FailureTable(int capacity, TimeSpan window, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, Failures> _entries = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _trimming = new();

    public int Count => _entries.Count;

    /// <summary>How long the key stays locked; zero when it is not.</summary>
    public TimeSpan LockedFor(string key)
    {
        var now = time.GetUtcNow();
        return _entries.TryGetValue(key, out var failures) && failures.Until > now ? failures.Until.Value - now : TimeSpan.Zero;
    }

    /// <summary>The failures of the key in its current window.</summary>
    public int FailuresOf(string key) =>
        _entries.TryGetValue(key, out var failures) && !failures.IsOver(time.GetUtcNow(), window) ? failures.Count : 0;

    /// <summary>Counts one failure; the key is locked for the window once it has <paramref name="limit"/> of them. Returns the new count.</summary>
    public int Add(string key, int limit)
    {
        var now = time.GetUtcNow();
        var counted = _entries.AddOrUpdate(
            key,
            _ => Failures.First(now).Next(now, limit, window),
            (_, failures) => (failures.IsOver(now, window) ? Failures.First(now) : failures).Next(now, limit, window));
        if (_entries.Count > capacity)
        {
            Trim(now);
        }

        return counted.Count;
    }

    public void Clear(string key) => _entries.TryRemove(key, out _);

    private void Trim(DateTimeOffset now)
    {
        // One trim at a time is enough; the others carry on and leave the table briefly over its capacity.
        if (!_trimming.TryEnter())
        {
            return;
        }

        try
        {
            foreach (var entry in _entries.Where(e => e.Value.IsOver(now, window)))
            {
                _entries.TryRemove(entry);
            }

            // Down to nine tenths, so that the sort below runs once per tenth of the capacity, not at every failure.
            var excess = _entries.Count - (capacity - (capacity / 10));
            if (excess <= 0)
            {
                return;
            }

            var leastUseful = _entries
                .OrderBy(e => e.Value.Until > now)
                .ThenBy(e => e.Value.Until ?? e.Value.Last)
                .Take(excess)
                .ToList();
            foreach (var entry in leastUseful)
            {
                _entries.TryRemove(entry);
            }
        }
        finally
        {
            _trimming.Exit();
        }
    }

    private sealed record Failures(int Count, DateTimeOffset WindowStart, DateTimeOffset Last, DateTimeOffset? Until)
    {
        public static Failures First(DateTimeOffset now) => new(0, now, now, null);

        public Failures Next(DateTimeOffset now, int limit, TimeSpan window) =>
            this with { Count = Count + 1, Last = now, Until = Count + 1 >= limit ? now + window : Until };

        public bool IsOver(DateTimeOffset now, TimeSpan window) => !(Until > now) && now - WindowStart >= window;
    }
}

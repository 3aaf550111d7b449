using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace Scheduler.Web.Accounts;

/// <summary>
/// Locks a user name out after too many failed logins, and a client address after too many failures across names,
/// so that neither guessing one password nor spraying one password over many names gets far. Unknown names are
/// counted like known ones, so a lockout tells nothing about which names exist.
/// </summary>
public sealed class LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
{
    // Entries of quiet names and addresses are dropped once there are this many, which bounds the memory a spray uses.
    private const int SweepThreshold = 10_000;

    private readonly LoginLockoutOptions _options = options.Value.Lockout;
    private readonly ConcurrentDictionary<string, Failures> _failures = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>How long until this user may try again from this address; null when the attempt may go ahead.</summary>
    public TimeSpan? RetryAfter(string user, string address)
    {
        var now = time.GetUtcNow();
        var wait = new[] { UserKey(user), AddressKey(address) }
            .Select(key => _failures.TryGetValue(key, out var failures) ? failures.LockedUntil(now) - now : TimeSpan.Zero)
            .Max();
        return wait > TimeSpan.Zero ? wait : null;
    }

    public void Failed(string user, string address)
    {
        var now = time.GetUtcNow();
        Count(UserKey(user), _options.MaxFailuresPerUser, now);
        Count(AddressKey(address), _options.MaxFailuresPerAddress, now);
        if (_failures.Count > SweepThreshold)
        {
            foreach (var (key, failures) in _failures.Where(f => f.Value.IsOver(now, _options.Duration)))
            {
                _failures.TryRemove(new KeyValuePair<string, Failures>(key, failures));
            }
        }
    }

    /// <summary>A right password clears the user's failures; the address keeps its own, or one good account would reset a spray.</summary>
    public void Succeeded(string user) => _failures.TryRemove(UserKey(user), out _);

    private void Count(string key, int limit, DateTimeOffset now) =>
        _failures.AddOrUpdate(
            key,
            _ => Failures.First(now, limit, _options.Duration),
            (_, failures) => failures.IsOver(now, _options.Duration) ? Failures.First(now, limit, _options.Duration) : failures.Next(now, limit, _options.Duration));

    private static string UserKey(string user) => "user:" + user;

    private static string AddressKey(string address) => "address:" + address;

    private sealed record Failures(int Count, DateTimeOffset WindowStart, DateTimeOffset? Until)
    {
        public static Failures First(DateTimeOffset now, int limit, TimeSpan duration) => new Failures(0, now, null).Next(now, limit, duration);

        public Failures Next(DateTimeOffset now, int limit, TimeSpan duration) =>
            Count + 1 >= limit ? this with { Count = Count + 1, Until = now + duration } : this with { Count = Count + 1 };

        public DateTimeOffset LockedUntil(DateTimeOffset now) => Until is { } until && until > now ? until : now;

        public bool IsOver(DateTimeOffset now, TimeSpan duration) => LockedUntil(now) <= now && now - WindowStart >= duration;
    }
}

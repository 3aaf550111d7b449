using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Scheduler.Web.Accounts;

/// <summary>
/// Slows password guessing without handing anyone a way to lock another person out. A client address is locked
/// after too many failures across names (a spray), and a user name on one address after too many failures for it
/// (a guesser); the owner of the name on another address is not refused. Across all addresses the name is only
/// slowed: each recent failure adds a little to the wait of its next logins, up to a cap. Unknown names are counted
/// like known ones, so neither a lockout nor a wait tells which names exist.
/// </summary>
internal sealed class LoginThrottle
{
    // Longer names are counted by their hash: a made-up name of a megabyte must not become a key of a megabyte.
    private const int MaxNameLength = 64;

    private readonly LoginLockoutOptions _options;
    private readonly FailureTable _failures;

    public LoginThrottle(IOptions<AuthOptions> options, TimeProvider time)
    {
        _options = options.Value.Lockout;
        _failures = new(_options.MaxTrackedEntries, _options.Duration, time);
    }

    /// <summary>How many addresses and names are remembered at the moment (at most <c>Auth:Lockout:MaxTrackedEntries</c>, about).</summary>
    public int TrackedEntries => _failures.Count;

    /// <summary>How long this address, or this user on this address, must wait; null when the attempt may go ahead.</summary>
    public TimeSpan? RetryAfter(string user, string address)
    {
        var wait = TimeSpan.FromTicks(Math.Max(_failures.LockedFor(AddressKey(address)).Ticks, _failures.LockedFor(UserOnAddressKey(user, address)).Ticks));
        return wait > TimeSpan.Zero ? wait : null;
    }

    /// <summary>How long a login for this user waits before its password is checked, from wherever it comes.</summary>
    public TimeSpan AccountDelay(string user) => DelayAfter(_failures.FailuresOf(AccountKey(user)));

    /// <summary>Counts a failure; true when it brings the user's wait to its cap, which is worth telling the operators once.</summary>
    public bool Failed(string user, string address)
    {
        _failures.Add(UserOnAddressKey(user, address), _options.MaxFailuresPerUser);
        _failures.Add(AddressKey(address), _options.MaxFailuresPerAddress);
        var count = _failures.Add(AccountKey(user), int.MaxValue);
        return DelayAfter(count) == _options.MaxAccountDelay && DelayAfter(count - 1) < _options.MaxAccountDelay;
    }

    /// <summary>A right password clears the user's failures on this address and its wait; the address keeps its own, or one good account would reset a spray.</summary>
    public void Succeeded(string user, string address)
    {
        _failures.Clear(UserOnAddressKey(user, address));
        _failures.Clear(AccountKey(user));
    }

    private TimeSpan DelayAfter(int failures) =>
        TimeSpan.FromTicks(Math.Min(_options.AccountDelayStep.Ticks * failures, _options.MaxAccountDelay.Ticks));

    private static string AddressKey(string address) => "address:" + address;

    private static string UserOnAddressKey(string user, string address) => $"user-on-address:{address}|{Name(user)}";

    private static string AccountKey(string user) => "user:" + Name(user);

    private static string Name(string user) =>
        user.Length <= MaxNameLength ? user : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(user.ToUpperInvariant())));
}

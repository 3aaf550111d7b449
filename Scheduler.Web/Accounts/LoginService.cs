using System.Globalization;

namespace Scheduler.Web.Accounts;

/// <summary>The result of a login: the user, or a lockout and how long it lasts, or neither (wrong user or password).</summary>
internal sealed record LoginAttempt(SchedulerUser? User, TimeSpan? RetryAfter)
{
    /// <summary>The value of the Retry-After header: whole seconds, rounded up so that a client never retries too early.</summary>
    public string RetryAfterSeconds => ((long)Math.Ceiling(RetryAfter?.TotalSeconds ?? 0)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>One way in for the API's token login and the dashboard's cookie login: lockout first, then the wait, then the password.</summary>
internal sealed partial class LoginService(UserDirectory users, LoginThrottle throttle, TimeProvider time, ILogger<LoginService> logger)
{
    public async Task<LoginAttempt> AttemptAsync(string user, string password, HttpContext context, CancellationToken cancellationToken)
    {
        var address = ClientAddress.KeyOf(context.Connection.RemoteIpAddress);
        if (throttle.RetryAfter(user, address) is { } wait)
        {
            return new(null, wait);
        }

        // Every login of a name that is being guessed waits, the right password too, so the wait says nothing.
        if (throttle.AccountDelay(user) is var delay && delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, time, cancellationToken);
        }

        if (users.Authenticate(user, password) is { } found)
        {
            throttle.Succeeded(user, address);
            return new(found, null);
        }

        if (throttle.Failed(user, address))
        {
            LogAccountSlowed(user, throttle.AccountDelay(user));
        }

        if (throttle.RetryAfter(user, address) is { } lockout)
        {
            // Operators should see guessing as it happens, not only the 429s that clients get afterwards.
            LogLocked(lockout, user, address);
        }

        return new(null, null);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Logins locked for {Lockout} after repeated failures: user '{User}' on address {Address}, or the address.")]
    private partial void LogLocked(TimeSpan lockout, string user, string address);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Logins of user '{User}' wait {Delay} each after repeated failures from any address; the account is probably being guessed.")]
    private partial void LogAccountSlowed(string user, TimeSpan delay);
}

using System.Globalization;

namespace Scheduler.Web.Accounts;

/// <summary>The result of a login: the user, or a lockout and how long it lasts, or neither (wrong user or password).</summary>
public sealed record LoginAttempt(SchedulerUser? User, TimeSpan? RetryAfter)
{
    /// <summary>The value of the Retry-After header: whole seconds, rounded up so that a client never retries too early.</summary>
    public string RetryAfterSeconds => ((long)Math.Ceiling(RetryAfter?.TotalSeconds ?? 0)).ToString(CultureInfo.InvariantCulture);
}

/// <summary>One way in for the API's token login and the dashboard's cookie login: lockout first, then the password.</summary>
public sealed class LoginService(UserDirectory users, LoginThrottle throttle, ILogger<LoginService> logger)
{
    public LoginAttempt Attempt(string user, string password, HttpContext context)
    {
        var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
        if (throttle.RetryAfter(user, address) is { } wait)
        {
            return new(null, wait);
        }

        if (users.Authenticate(user, password) is { } found)
        {
            throttle.Succeeded(user);
            return new(found, null);
        }

        throttle.Failed(user, address);
        if (throttle.RetryAfter(user, address) is { } lockout)
        {
            // Operators should see guessing as it happens, not only the 429s that clients get afterwards.
            logger.LogWarning("Logins locked for {Lockout} after repeated failures: user '{User}' or address {Address}.", lockout, user, address);
        }

        return new(null, null);
    }
}

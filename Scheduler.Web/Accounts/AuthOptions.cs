using Microsoft.Extensions.Options;

namespace Scheduler.Web.Accounts;

/// <summary>The <c>Auth</c> configuration section.</summary>
internal sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The password of the <c>admin</c> user. Required outside Development.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>The key that signs tokens, at least 32 characters. When unset a random key is made at start.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RememberMeLifetime { get; set; } = TimeSpan.FromDays(14);

    /// <summary>Further users, by name: <c>Auth:Users:{name}:PasswordHash</c> and <c>Auth:Users:{name}:Roles:0</c>.</summary>
    public Dictionary<string, UserSettings> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public LoginLockoutOptions Lockout { get; set; } = new();
}

/// <summary>One configured user: a password hash made by <c>hash-password</c> and the user's roles.</summary>
internal sealed class UserSettings
{
    public string? PasswordHash { get; set; }

    public string[] Roles { get; set; } = [];
}

/// <summary>
/// How failed logins are throttled: a user name on one client address and a client address are locked for a while,
/// and a user name across all addresses only waits a little longer at each login (never refused, so that nobody can
/// lock its owner out).
/// </summary>
internal sealed class LoginLockoutOptions
{
    /// <summary>Failures of one user name from one client address that lock that name on that address.</summary>
    public int MaxFailuresPerUser { get; set; } = 5;

    /// <summary>Failures from one client address, across names, that lock the address.</summary>
    public int MaxFailuresPerAddress { get; set; } = 20;

    /// <summary>Failures count within this window since the first one, and a lockout lasts this long.</summary>
    public TimeSpan Duration { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>What each failure of a user name, from any address and within the window, adds to the wait of its next logins.</summary>
    public TimeSpan AccountDelayStep { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>The longest a login waits for its user name's failures.</summary>
    public TimeSpan MaxAccountDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How many addresses, names and names on addresses are remembered at most; past it the least useful are forgotten.</summary>
    public int MaxTrackedEntries { get; set; } = 50_000;
}

internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public const int MinimumSigningKeyLength = 32;

    private const int MinTrackedEntries = 100;

    private static readonly TimeSpan MaxAccountDelayLimit = TimeSpan.FromSeconds(10);

    public ValidateOptionsResult Validate(string? name, AuthOptions options)
    {
        var failures = new List<string>();
        if (string.IsNullOrEmpty(options.AdminPassword) && !environment.IsDevelopment())
        {
            failures.Add($"Auth:AdminPassword must be set in the {environment.EnvironmentName} environment (only Development has a default).");
        }

        if (options.SigningKey is { Length: < MinimumSigningKeyLength })
        {
            failures.Add($"Auth:SigningKey must be at least {MinimumSigningKeyLength} characters long.");
        }

        if (options.TokenLifetime <= TimeSpan.Zero || options.RememberMeLifetime <= TimeSpan.Zero)
        {
            failures.Add("Auth:TokenLifetime and Auth:RememberMeLifetime must be positive.");
        }

        failures.AddRange(ValidateLockout(options.Lockout));

        foreach (var (user, settings) in options.Users)
        {
            failures.AddRange(ValidateUser(user, settings));
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }

    private static IEnumerable<string> ValidateLockout(LoginLockoutOptions lockout)
    {
        if (lockout.MaxFailuresPerUser < 1 || lockout.MaxFailuresPerAddress < 1 || lockout.Duration <= TimeSpan.Zero)
        {
            yield return "Auth:Lockout:MaxFailuresPerUser and Auth:Lockout:MaxFailuresPerAddress must be at least 1, and Auth:Lockout:Duration positive.";
        }

        // A long wait would hold a request (and a connection) open per guess, and would refuse the owner in all but name.
        if (lockout.AccountDelayStep < TimeSpan.Zero || lockout.MaxAccountDelay < TimeSpan.Zero || lockout.MaxAccountDelay > MaxAccountDelayLimit)
        {
            yield return $"Auth:Lockout:AccountDelayStep must not be negative, and Auth:Lockout:MaxAccountDelay must be from 0 to {MaxAccountDelayLimit}.";
        }

        if (lockout.MaxTrackedEntries < MinTrackedEntries)
        {
            yield return $"Auth:Lockout:MaxTrackedEntries must be at least {MinTrackedEntries}.";
        }
    }

    private static IEnumerable<string> ValidateUser(string user, UserSettings settings)
    {
        var key = $"Auth:Users:{user}";
        if (string.Equals(user, UserDirectory.AdminName, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"{key}: the user '{UserDirectory.AdminName}' is set by Auth:AdminPassword; give this user another name.";
        }

        if (PasswordHashFormat.ProblemWith(settings.PasswordHash) is { } hashProblem)
        {
            yield return $"{key}:PasswordHash {hashProblem}; make one with 'dotnet Scheduler.Web.dll hash-password'.";
        }

        if (settings.Roles.Length == 0)
        {
            yield return $"{key}:Roles is empty; give at least one of {string.Join(", ", Roles.All)} (Auth:Users:{user}:Roles:0=Viewer).";
        }

        foreach (var role in settings.Roles.Where(r => !Roles.All.Contains(r, StringComparer.OrdinalIgnoreCase)))
        {
            yield return $"{key}:Roles has the unknown role '{role}'; the roles are {string.Join(", ", Roles.All)}.";
        }
    }
}

using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Scheduler.Web.Accounts;

internal sealed record SchedulerUser(string Name, IReadOnlyList<string> Roles);

/// <summary>
/// The users who may sign in: <c>admin</c> from <c>Auth:AdminPassword</c> and the users of <c>Auth:Users</c>.
/// Passwords are kept only as hashes (ASP.NET Core Identity's PBKDF2 format) and compared as hashes; an unknown user
/// costs the same hashing work as a wrong password, so neither is told apart.
/// </summary>
internal sealed partial class UserDirectory
{
    internal const string AdminName = "admin";
    internal const string DevelopmentAdminPassword = "Admin123";

    private readonly PasswordHasher<SchedulerUser> _hasher = new();
    private readonly Dictionary<string, (SchedulerUser User, string Hash)> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly string _decoyHash;

    public UserDirectory(IOptions<AuthOptions> options, ILogger<UserDirectory> logger)
    {
        var password = options.Value.AdminPassword;
        if (string.IsNullOrEmpty(password))
        {
            // The options validator has already refused this outside Development.
            LogDevelopmentAdminPassword(logger, DevelopmentAdminPassword);
            password = DevelopmentAdminPassword;
        }

        var admin = new SchedulerUser(AdminName, [Roles.Admin]);
        _users[admin.Name] = (admin, _hasher.HashPassword(admin, password));
        _decoyHash = _hasher.HashPassword(admin, Guid.NewGuid().ToString());

        // The options validator has checked every hash and role already.
        foreach (var (name, settings) in options.Value.Users)
        {
            var roles = Roles.All.Where(role => settings.Roles.Contains(role, StringComparer.OrdinalIgnoreCase)).ToArray();
            _users[name] = (new SchedulerUser(name, roles), settings.PasswordHash!.Trim());
        }
    }

    public SchedulerUser? Authenticate(string user, string password)
    {
        if (!_users.TryGetValue(user, out var entry))
        {
            _hasher.VerifyHashedPassword(new SchedulerUser(user, []), _decoyHash, password);
            return null;
        }

        return _hasher.VerifyHashedPassword(entry.User, entry.Hash, password) == PasswordVerificationResult.Failed ? null : entry.User;
    }

    /// <summary>The user of that name as configured now, or null when there is none.</summary>
    public SchedulerUser? Find(string name) => _users.TryGetValue(name, out var entry) ? entry.User : null;

    /// <summary>The hash to put in <c>Auth:Users:{name}:PasswordHash</c>.</summary>
    public static string Hash(string password) => new PasswordHasher<SchedulerUser>().HashPassword(new SchedulerUser("", []), password);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Auth:AdminPassword is not set: the admin user has the Development password '{Password}'. Set it before exposing this service.")]
    private static partial void LogDevelopmentAdminPassword(ILogger logger, string password);
}

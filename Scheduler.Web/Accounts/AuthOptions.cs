using Microsoft.Extensions.Options;

namespace Scheduler.Web.Accounts;

/// <summary>The <c>Auth</c> configuration section.</summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    /// <summary>The password of the <c>admin</c> user. Required outside Development.</summary>
    public string? AdminPassword { get; set; }

    /// <summary>The key that signs tokens, at least 32 characters. When unset a random key is made at start.</summary>
    public string? SigningKey { get; set; }

    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromHours(1);

    public TimeSpan RememberMeLifetime { get; set; } = TimeSpan.FromDays(14);
}

internal sealed class AuthOptionsValidator(IHostEnvironment environment) : IValidateOptions<AuthOptions>
{
    public const int MinimumSigningKeyLength = 32;

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

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

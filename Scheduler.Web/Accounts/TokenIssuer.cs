using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Scheduler.Web.Accounts;

/// <summary>Makes and describes the bearer tokens that the API accepts.</summary>
internal sealed partial class TokenIssuer
{
    public const string Issuer = "scheduler";
    public const string Audience = "scheduler-api";
    public const string RoleClaim = "role";
    public const string NameClaim = "name";

    private readonly AuthOptions _options;
    private readonly TimeProvider _time;
    private readonly SigningCredentials _credentials;

    public TokenIssuer(IOptions<AuthOptions> options, TimeProvider time, ILogger<TokenIssuer> logger)
    {
        _options = options.Value;
        _time = time;
        if (string.IsNullOrEmpty(_options.SigningKey))
        {
            LogRandomSigningKey(logger);
        }

        var key = string.IsNullOrEmpty(_options.SigningKey) ? RandomNumberGenerator.GetBytes(64) : Encoding.UTF8.GetBytes(_options.SigningKey);
        SigningKey = new SymmetricSecurityKey(key);
        _credentials = new SigningCredentials(SigningKey, SecurityAlgorithms.HmacSha256);
    }

    public SecurityKey SigningKey { get; }

    /// <summary>The name and role claims of a user, as the API's tokens and the dashboard's cookie both carry them.</summary>
    public static IEnumerable<Claim> ClaimsOf(SchedulerUser user) =>
        [new(NameClaim, user.Name), .. user.Roles.Select(role => new Claim(RoleClaim, role))];

    public (string Token, TimeSpan Lifetime) Issue(SchedulerUser user, bool rememberMe)
    {
        var lifetime = rememberMe ? _options.RememberMeLifetime : _options.TokenLifetime;
        var now = _time.GetUtcNow().UtcDateTime;
        List<Claim> claims = [new(JwtRegisteredClaimNames.Sub, user.Name), .. ClaimsOf(user)];
        var token = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            Subject = new ClaimsIdentity(claims),
            SigningCredentials = _credentials,
        });
        return (token, lifetime);
    }

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Auth:SigningKey is not set: tokens are signed with a random key made now, and every token dies with this process. Set it to share tokens across restarts and nodes.")]
    private static partial void LogRandomSigningKey(ILogger logger);
}

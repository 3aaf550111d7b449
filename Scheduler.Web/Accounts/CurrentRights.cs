using System.Security.Claims;

namespace Scheduler.Web.Accounts;

/// <summary>
/// The rights of a signed-in user are those configured now, not those written into the token or cookie at sign-in:
/// both outlive a restart (a 14-day token, a sliding cookie), and a user removed from <c>Auth:Users</c> or given
/// fewer roles must lose the rest at once. A dictionary lookup per request.
/// </summary>
internal static class CurrentRights
{
    /// <summary>The principal with the user's roles as configured now; null when the user is no longer configured.</summary>
    public static ClaimsPrincipal? Of(ClaimsPrincipal principal, UserDirectory users)
    {
        if (principal.Identity is not ClaimsIdentity identity
            || identity.FindFirst(TokenIssuer.NameClaim)?.Value is not { } name
            || users.Find(name) is not { } user)
        {
            return null;
        }

        var claims = identity.Claims.Where(c => c.Type != TokenIssuer.RoleClaim).Concat(user.Roles.Select(role => new Claim(TokenIssuer.RoleClaim, role)));
        return new ClaimsPrincipal(new ClaimsIdentity(claims, identity.AuthenticationType, TokenIssuer.NameClaim, TokenIssuer.RoleClaim));
    }
}

using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Accounts;

internal static class AccountsSetup
{
    /// <summary>Bearer-token authentication for the API; every endpoint needs a signed-in user unless it says otherwise.</summary>
    public static IServiceCollection AddAccounts(this IServiceCollection services)
    {
        services.BindSection<AuthOptions>(AuthOptions.Section);
        services.AddSingleton<IValidateOptions<AuthOptions>, AuthOptionsValidator>();
        services.AddSingleton<UserDirectory>();
        services.AddSingleton<TokenIssuer>();
        services.AddSingleton<LoginThrottle>();
        services.AddSingleton<LoginService>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenIssuer, IHostEnvironment>((bearer, tokens, environment) =>
            {
                // Why a token failed (expired, bad signature) helps an attacker probe; only a developer needs it.
                bearer.IncludeErrorDetails = environment.IsDevelopment();
                bearer.MapInboundClaims = false;
                bearer.TokenValidationParameters.ValidIssuer = TokenIssuer.Issuer;
                bearer.TokenValidationParameters.ValidAudience = TokenIssuer.Audience;
                bearer.TokenValidationParameters.IssuerSigningKey = tokens.SigningKey;
                bearer.TokenValidationParameters.NameClaimType = TokenIssuer.NameClaim;
                bearer.TokenValidationParameters.RoleClaimType = TokenIssuer.RoleClaim;
                bearer.TokenValidationParameters.ClockSkew = TimeSpan.FromSeconds(30);
                bearer.Events = new JwtBearerEvents
                {
                    OnTokenValidated = context =>
                    {
                        if (CurrentRights.Of(context.Principal!, context.HttpContext.RequestServices.GetRequiredService<UserDirectory>()) is { } current)
                        {
                            context.Principal = current;
                        }
                        else
                        {
                            context.Fail("the token's user is no longer configured");
                        }

                        return Task.CompletedTask;
                    },
                };
            });

        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder().RequireAuthenticatedUser().Build())
            .AddPolicy(Roles.CanRead, policy => policy.RequireRole(Roles.Admin, Roles.Operator, Roles.Viewer))
            .AddPolicy(Roles.CanOperate, policy => policy.RequireRole(Roles.Admin, Roles.Operator))
            .AddPolicy(Roles.CanAdminister, policy => policy.RequireRole(Roles.Admin));
        return services;
    }
}

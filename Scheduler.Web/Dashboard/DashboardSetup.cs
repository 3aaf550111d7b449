using System.Security.Claims;
using Hangfire;
using Hangfire.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Scheduler.Web.Accounts;
using Scheduler.Web.Dashboard.WorkflowViews;
using Scheduler.Web.Hosting;
using Scheduler.Web.Http;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// Hangfire's dashboard for people with a browser: a cookie sign-in with the API's users (a browser cannot send the
/// API's bearer token on navigation, HangfireIO/Hangfire#2395), read-only for Viewers, anti-forgery on.
/// </summary>
internal static class DashboardSetup
{
    public const string Path = "/hangfire";
    public const string CookieScheme = "Dashboard";
    public const string Policy = "DashboardUser";

    public static IServiceCollection AddDashboard(this IServiceCollection services)
    {
        services.AddAntiforgery();

        // One application name, so that every node and every restart reads the others' cookies from a shared key folder.
        services.AddDataProtection().SetApplicationName("Scheduler");
        services.AddOptions<KeyManagementOptions>().Configure<IOptions<SchedulerOptions>, ILoggerFactory>((keys, scheduler, logs) =>
        {
            if (scheduler.Value.DataProtectionKeysPath is { Length: > 0 } folder)
            {
                keys.XmlRepository = new FileSystemXmlRepository(new DirectoryInfo(folder), logs);
            }
        });
        services.AddAuthentication().AddCookie(CookieScheme);
        services.AddOptions<CookieAuthenticationOptions>(CookieScheme).Configure<IOptions<AuthOptions>>((cookie, auth) =>
        {
            cookie.Cookie.Name = ".Scheduler.Dashboard";
            cookie.Cookie.HttpOnly = true;
            cookie.Cookie.SameSite = SameSiteMode.Lax;
            cookie.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            cookie.LoginPath = LoginPage.LoginPath;
            cookie.LogoutPath = LoginPage.LogoutPath;
            cookie.AccessDeniedPath = LoginPage.LoginPath;
            cookie.ExpireTimeSpan = auth.Value.TokenLifetime;
            cookie.SlidingExpiration = true;
            cookie.Events.OnValidatePrincipal = async context =>
            {
                if (CurrentRights.Of(context.Principal!, context.HttpContext.RequestServices.GetRequiredService<UserDirectory>()) is { } current)
                {
                    context.ReplacePrincipal(current);
                    return;
                }

                context.RejectPrincipal();
                await context.HttpContext.SignOutAsync(CookieScheme);
            };
        });
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            .AddAuthenticationSchemes(CookieScheme)
            .RequireRole(Roles.All));
        return services;
    }

    public static IEndpointRouteBuilder MapDashboard(this IEndpointRouteBuilder routes)
    {
        WorkflowStepsRenderer.Register();
        OperatorPages.Register();
        DashboardViews.Register();
        routes.MapLoginPage();

        // The policy replaces Hangfire's default filter, which lets in only requests from this machine.
        routes.MapHangfireDashboardWithAuthorizationPolicy(Policy, Path, new DashboardOptions
        {
            DashboardTitle = "Scheduler",
            AppPath = LoginPage.LoginPath,
            DisplayStorageConnectionString = false,
            IsReadOnlyFunc = context => !CanAct(context.GetHttpContext().User),
        }).WithMetadata(new RequestSizeLimitAttribute(RequestLimits.DashboardFormBytes)).PreloadingJobPages();
        return routes;
    }

    /// <summary>The principal of the dashboard cookie, with the same name and role claims as the API's tokens.</summary>
    public static ClaimsPrincipal Principal(SchedulerUser user) =>
        new(new ClaimsIdentity(TokenIssuer.ClaimsOf(user), CookieScheme, TokenIssuer.NameClaim, TokenIssuer.RoleClaim));

    private static bool CanAct(ClaimsPrincipal user) => user.IsInRole(Roles.Admin) || user.IsInRole(Roles.Operator);
}

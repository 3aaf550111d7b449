using System.Net;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Dashboard;

/// <summary>The dashboard's sign-in and sign-out page: a plain HTML form, anti-forgery protected, with the API's users.</summary>
internal static class LoginPage
{
    public const string LoginPath = "/account/login";
    public const string LogoutPath = "/account/logout";

    public static IEndpointRouteBuilder MapLoginPage(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/account").AllowAnonymous().ExcludeFromDescription();

        group.MapGet("/login", async (HttpContext context, IAntiforgery antiforgery, string? returnUrl) =>
        {
            var signedIn = await context.AuthenticateAsync(DashboardSetup.CookieScheme);
            return signedIn.Principal?.Identity?.Name is { } name
                ? Page(context, StatusCodes.Status200OK, SignedInBody(name, signedIn.Principal.FindAll(TokenIssuer.RoleClaim).Select(c => c.Value), context, antiforgery))
                : Form(context, antiforgery, StatusCodes.Status200OK, returnUrl, message: null);
        });

        group.MapPost("/login", async Task<Results<ContentHttpResult, RedirectHttpResult>> (
            HttpContext context, IAntiforgery antiforgery, LoginService logins, CancellationToken cancellationToken) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Form(context, antiforgery, StatusCodes.Status400BadRequest, null, "The form had expired. Please sign in again.");
            }

            var form = await context.Request.ReadFormAsync(cancellationToken);
            var returnUrl = form["returnUrl"].ToString();
            var user = form["user"].ToString();
            var password = form["password"].ToString();
            if (user.Length == 0 || password.Length == 0)
            {
                return Form(context, antiforgery, StatusCodes.Status400BadRequest, returnUrl, "Enter the user name and the password.");
            }

            var attempt = await logins.AttemptAsync(user, password, context, cancellationToken);
            if (attempt.RetryAfter is not null)
            {
                context.Response.Headers.RetryAfter = attempt.RetryAfterSeconds;
                return Form(context, antiforgery, StatusCodes.Status429TooManyRequests, returnUrl, $"Too many failed logins. Try again in {attempt.RetryAfterSeconds} seconds.");
            }

            if (attempt.User is not { } signedIn)
            {
                return Form(context, antiforgery, StatusCodes.Status401Unauthorized, returnUrl, "The user name or the password is wrong.");
            }

            await context.SignInAsync(DashboardSetup.CookieScheme, DashboardSetup.Principal(signedIn));
            return TypedResults.Redirect(LocalReturnUrl.IsLocal(returnUrl) ? returnUrl : DashboardSetup.Path);
        });

        group.MapPost("/logout", async Task<Results<ContentHttpResult, RedirectHttpResult>> (HttpContext context, IAntiforgery antiforgery) =>
        {
            if (!await antiforgery.IsRequestValidAsync(context))
            {
                return Form(context, antiforgery, StatusCodes.Status400BadRequest, null, "The form had expired. Please try again.");
            }

            await context.SignOutAsync(DashboardSetup.CookieScheme);
            return TypedResults.Redirect(LoginPath);
        });

        return routes;
    }

    private static ContentHttpResult Form(HttpContext context, IAntiforgery antiforgery, int status, string? returnUrl, string? message)
    {
        var error = message is null ? "" : $"<p class=\"error\" role=\"alert\">{Encode(message)}</p>";
        var body = $"""
            <h1>Sign in to the Scheduler dashboard</h1>
            {error}
            <form method="post" action="{LoginPath}">
              {AntiforgeryField(context, antiforgery)}
              <input type="hidden" name="returnUrl" value="{Encode(LocalReturnUrl.IsLocal(returnUrl) ? returnUrl! : DashboardSetup.Path)}">
              <label>User <input id="user" name="user" autocomplete="username" required autofocus></label>
              <label>Password <input id="password" name="password" type="password" autocomplete="current-password" required></label>
              <button id="sign-in" type="submit">Sign in</button>
            </form>
            """;
        return Page(context, status, body);
    }

    private static string SignedInBody(string name, IEnumerable<string> roles, HttpContext context, IAntiforgery antiforgery) => $"""
        <h1>Scheduler dashboard</h1>
        <p>Signed in as <strong id="signed-in-user">{Encode(name)}</strong> ({Encode(string.Join(", ", roles))}).</p>
        <p><a href="{DashboardSetup.Path}">Open the dashboard</a></p>
        <form method="post" action="{LogoutPath}">
          {AntiforgeryField(context, antiforgery)}
          <button id="sign-out" type="submit">Sign out</button>
        </form>
        """;

    private static ContentHttpResult Page(HttpContext context, int status, string body)
    {
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content($$"""
            <!DOCTYPE html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <meta name="viewport" content="width=device-width, initial-scale=1">
              <title>Scheduler: sign in</title>
              <style>
                body { font-family: system-ui, sans-serif; max-width: 24rem; margin: 4rem auto; padding: 0 1rem; }
                label { display: block; margin: 0.75rem 0; }
                input { display: block; width: 100%; padding: 0.4rem; box-sizing: border-box; }
                button { padding: 0.4rem 1.2rem; }
                .error { color: #a00; }
              </style>
            </head>
            <body>
            {{body}}
            </body>
            </html>
            """, "text/html; charset=utf-8", statusCode: status);
    }

    private static string AntiforgeryField(HttpContext context, IAntiforgery antiforgery)
    {
        var tokens = antiforgery.GetAndStoreTokens(context);
        return $"<input type=\"hidden\" name=\"{Encode(tokens.FormFieldName)}\" value=\"{Encode(tokens.RequestToken ?? "")}\">";
    }

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}

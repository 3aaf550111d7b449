using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Http;

namespace Scheduler.Web.Accounts;

internal static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/account").WithTags("Account").AllowAnonymous();

        group.MapPost("/login", async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> (
                HttpContext context, LoginService logins, TokenIssuer tokens, CancellationToken cancellationToken) =>
            {
                var (login, invalid) = await JsonBody.ReadAsync(context.Request, WebJsonContext.Default.LoginRequest, RequestLimits.LoginBytes, cancellationToken);
                if (invalid is not null)
                {
                    return invalid;
                }

                var missing = new Dictionary<string, string[]>();
                if (string.IsNullOrEmpty(login!.User))
                {
                    missing["user"] = ["the user name is required"];
                }

                if (string.IsNullOrEmpty(login.Password))
                {
                    missing["password"] = ["the password is required"];
                }

                if (missing.Count > 0)
                {
                    return TypedResults.ValidationProblem(missing);
                }

                var attempt = await logins.AttemptAsync(login.User!, login.Password!, context, cancellationToken);
                if (attempt.RetryAfter is not null)
                {
                    context.Response.Headers.RetryAfter = attempt.RetryAfterSeconds;
                    return TypedResults.Problem(
                        title: "Too many failed logins",
                        detail: $"Logins for this user from this address, or from this address, are locked after too many failures. Try again in {attempt.RetryAfterSeconds} seconds.",
                        statusCode: StatusCodes.Status429TooManyRequests);
                }

                if (attempt.User is not { } user)
                {
                    return TypedResults.Problem(
                        title: "Login failed",
                        detail: "The user name or the password is wrong.",
                        statusCode: StatusCodes.Status401Unauthorized);
                }

                var (token, lifetime) = tokens.Issue(user, login.RememberMe);
                return TypedResults.Ok(new LoginResponse(token, "Bearer", (long)lifetime.TotalSeconds, user.Name, user.Roles));
            })
            .Accepts<LoginRequest>("application/json")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status429TooManyRequests)
            .WithName("Login");

        return group;
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Http;

namespace Scheduler.Web.Accounts;

public static class AccountsApi
{
    public static RouteGroupBuilder MapAccounts(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/account").WithTags("Account").AllowAnonymous();

        group.MapPost("/login", async Task<Results<Ok<LoginResponse>, ValidationProblem, ProblemHttpResult>> (
                HttpRequest request, UserDirectory users, TokenIssuer tokens, CancellationToken cancellationToken) =>
            {
                var (login, invalid) = await JsonBody.ReadAsync(request, WebJsonContext.Default.LoginRequest, cancellationToken);
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

                if (users.Authenticate(login.User!, login.Password!) is not { } user)
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
            .WithName("Login");

        return group;
    }
}

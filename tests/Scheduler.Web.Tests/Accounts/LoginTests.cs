using System.IdentityModel.Tokens.Jwt;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Scheduler.Web.Tests.Accounts;

public sealed class LoginTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Theory]
    [InlineData("{\"user\":\"admin\",\"password\":\"PW\",\"rememberMe\":1}", true)]
    [InlineData("{\"user\":\"admin\",\"password\":\"PW\",\"rememberMe\":true}", true)]
    [InlineData("{\"USER\":\"admin\",\"Password\":\"PW\",\"RememberMe\":\"1\"}", true)]
    [InlineData("{\"user\":\"admin\",\"password\":\"PW\",\"rememberMe\":0}", false)]
    [InlineData("{\"user\":\"admin\",\"password\":\"PW\",\"rememberMe\":false}", false)]
    [InlineData("{\"user\":\"admin\",\"password\":\"PW\"}", false)]
    public async Task Login_returns_a_bearer_token_long_lived_only_with_rememberMe(string body, bool longLived)
    {
        using var client = stack.App.CreateClient();

        var response = await PostLoginAsync(client, body.Replace("PW", SchedulerApp.AdminPassword, StringComparison.Ordinal));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var login = await response.Content.ReadFromJsonAsync<JsonElement>();
        login.GetProperty("token_type").GetString().Should().Be("Bearer");
        login.GetProperty("user").GetString().Should().Be("admin");
        login.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Contain("Admin");
        var expiresIn = TimeSpan.FromSeconds(login.GetProperty("expires_in").GetInt64());
        if (longLived)
        {
            expiresIn.Should().BeGreaterThanOrEqualTo(TimeSpan.FromDays(1));
        }
        else
        {
            expiresIn.Should().BeLessThanOrEqualTo(TimeSpan.FromHours(2)).And.BePositive();
        }

        var token = new JwtSecurityTokenHandler().ReadJwtToken(login.GetProperty("access_token").GetString());
        (token.ValidTo - token.ValidFrom).Should().BeCloseTo(expiresIn, TimeSpan.FromSeconds(5));
    }

    [Theory]
    [InlineData("admin", "wrong-password")]
    [InlineData("nobody", SchedulerApp.AdminPassword)]
    public async Task Wrong_user_or_password_is_401_with_one_message_for_both(string user, string password)
    {
        using var client = stack.App.CreateClient();

        var response = await client.PostAsJsonAsync("/api/account/login", new { user, password });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString()
            .Should().Be("The user name or the password is wrong.");
    }

    [Theory]
    [InlineData("{\"user\":\"admin\",")]
    [InlineData("[1,2]")]
    [InlineData("{\"user\":\"admin\",\"password\":\"x\",\"rememberMe\":\"maybe\"}")]
    [InlineData("{\"user\":\"admin\"}")]
    public async Task Malformed_login_body_is_a_400_problem(string body)
    {
        using var client = stack.App.CreateClient();

        var response = await PostLoginAsync(client, body);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    [Theory]
    [InlineData("GET", "/api/jobs/1")]
    [InlineData("GET", "/api/jobs/1/status")]
    [InlineData("GET", "/api/Job/1/Status")]
    [InlineData("POST", "/api/jobs")]
    public async Task Api_endpoints_answer_401_without_a_valid_token(string method, string path)
    {
        using var anonymous = stack.App.CreateClient();
        using var forged = stack.App.CreateClient();
        forged.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", ForgedToken());

        foreach (var client in new[] { anonymous, forged })
        {
            var response = await client.SendAsync(new HttpRequestMessage(new HttpMethod(method), path)
            {
                Content = new StringContent("{\"workflow\":\"orders-import\"}", Encoding.UTF8, "application/json"),
            });
            response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        }
    }

    private static Task<HttpResponseMessage> PostLoginAsync(HttpClient client, string body) =>
        client.PostAsync("/api/account/login", new StringContent(body, Encoding.UTF8, "application/json"));

    // A well-formed token signed with a key the service does not have.
    private static string ForgedToken()
    {
        var key = new Microsoft.IdentityModel.Tokens.SymmetricSecurityKey(Encoding.UTF8.GetBytes(new string('k', 64)));
        return new JwtSecurityTokenHandler().WriteToken(new JwtSecurityToken(
            issuer: "scheduler",
            audience: "scheduler-api",
            claims: [new("sub", "admin"), new("role", "Admin")],
            expires: DateTime.UtcNow.AddHours(1),
            signingCredentials: new(key, Microsoft.IdentityModel.Tokens.SecurityAlgorithms.HmacSha256)));
    }
}

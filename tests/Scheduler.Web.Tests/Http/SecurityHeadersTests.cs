using System.Net;
using System.Net.Http.Headers;

namespace Scheduler.Web.Tests.Http;

/// <summary>Every response, API and pages, forbids sniffing, referrers and framing; token failures say why only in Development.</summary>
public sealed class SecurityHeadersTests
{
    [Fact]
    public async Task API_answers_the_login_page_and_the_dashboard_carry_the_security_headers()
    {
        await using var app = new SchedulerApp(TestUsers.Settings());
        using var admin = await app.LoginAsync();
        using var anonymous = app.CreateBrowserClient();
        using var dashboard = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);

        var responses = new Dictionary<string, HttpResponseMessage>
        {
            ["api"] = await admin.GetAsync("/api/jobs"),
            ["api problem"] = await admin.GetAsync("/api/jobs/123456789"),
            ["api 401"] = await anonymous.GetAsync("/api/jobs"),
            ["login page"] = await anonymous.GetAsync("/account/login"),
            ["dashboard"] = await dashboard.GetAsync("/hangfire"),
            ["dashboard job page"] = await dashboard.GetAsync("/hangfire/jobs/enqueued"),
        };

        foreach (var (what, response) in responses)
        {
            Header(response, "X-Content-Type-Options").Should().Be("nosniff", what);
            Header(response, "Referrer-Policy").Should().Be("no-referrer", what);
            Header(response, "X-Frame-Options").Should().Be("DENY", what);
            Header(response, "Content-Security-Policy").Should().Contain("frame-ancestors 'none'", what);
        }

        responses["dashboard"].StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("Testing", false)]
    [InlineData("Production", false)]
    [InlineData("Development", true)]
    public async Task A_bad_token_is_refused_without_details_outside_Development(string environment, bool detailed)
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?> { ["Auth:SigningKey"] = new string('k', 48) }, environment);
        using var client = app.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl");

        var response = await client.GetAsync("/api/jobs");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        var challenge = string.Join(", ", response.Headers.WwwAuthenticate.Select(h => h.ToString()));
        challenge.Should().StartWith("Bearer");
        challenge.Contains("error", StringComparison.Ordinal).Should().Be(detailed, challenge);
    }

    private static string Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values) ? string.Join(", ", values) : "";
}

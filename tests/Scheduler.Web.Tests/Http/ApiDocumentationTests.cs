using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Web.Tests.Http;

/// <summary>The OpenAPI document describes every endpoint and the bearer scheme; the reference page is for Development only.</summary>
public sealed class ApiDocumentationTests
{
    [Fact]
    public async Task OpenAPI_document_lists_the_endpoints_the_bearer_scheme_and_example_bodies()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>());
        using var client = app.CreateClient();

        var response = await client.GetAsync("/openapi/v1.json");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        var paths = document.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToList();
        paths.Should().Contain(["/api/account/login", "/api/jobs", "/api/jobs/{id}", "/api/jobs/{id}/status", "/api/schedules", "/api/schedules/{id}", "/api/schedules/{id}/trigger"]);
        var bearer = document.GetProperty("components").GetProperty("securitySchemes").GetProperty("Bearer");
        bearer.GetProperty("type").GetString().Should().Be("http");
        bearer.GetProperty("scheme").GetString().Should().Be("bearer");
        var runJob = document.GetProperty("paths").GetProperty("/api/jobs").GetProperty("post");
        runJob.GetProperty("security")[0].TryGetProperty("Bearer", out _).Should().BeTrue();
        runJob.GetProperty("requestBody").GetProperty("content").GetProperty("application/json").GetProperty("example")
            .GetProperty("workflow").GetString().Should().Be("local-orders-import");
        document.GetProperty("paths").GetProperty("/api/account/login").GetProperty("post").TryGetProperty("security", out _).Should().BeFalse();
        var schemas = document.GetProperty("components").GetProperty("schemas");
        foreach (var body in new[] { "LoginRequest", "RunJobRequest", "RunJobParameter", "FileDropTrigger" })
        {
            schemas.GetProperty(body).GetProperty("additionalProperties").GetBoolean().Should().BeFalse($"{body} refuses members it does not have");
        }
    }

    [Fact]
    public async Task OpenAPI_document_lists_the_refusals_of_each_endpoint()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>());
        using var client = app.CreateClient();

        var paths = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");

        Statuses(paths, "/api/jobs", "post").Should().Contain(["400", "401", "403", "404", "409"]);
        Statuses(paths, "/api/jobs/{id}/cancel", "post").Should().Contain(["401", "403", "404", "409"]);
        Statuses(paths, "/api/jobs/{id}/retry", "post").Should().Contain(["401", "403", "404", "409"], "a job that has not ended cannot run again");
        Statuses(paths, "/api/jobs/{id}", "get").Should().Contain(["401", "404"]).And.NotContain("403", "every role may read");
        Statuses(paths, "/api/jobs/{id}/files/{path}", "get").Should().Contain("404");
        Statuses(paths, "/api/schedules/{id}/trigger", "post").Should().Contain(["401", "403", "404"]);
        Statuses(paths, "/api/workflows/{name}", "delete").Should().Contain(["401", "403", "404"]);
        Statuses(paths, "/api/account/login", "post").Should().Contain(["400", "401", "429"], "a wrong password is a 401, a locked address a 429");
    }

    [Fact]
    public async Task Every_endpoint_documents_the_401_403_and_404_it_can_answer()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>());
        using var client = app.CreateClient();

        var paths = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json")).RootElement.GetProperty("paths");

        var operations = paths.EnumerateObject().SelectMany(p => p.Value.EnumerateObject().Select(m => (Path: p.Name, Method: m.Name))).ToList();
        operations.Should().HaveCountGreaterThan(20);
        foreach (var (path, method) in operations)
        {
            var statuses = Statuses(paths, path, method);
            statuses.Should().Contain("401", $"{method} {path} refuses a missing or wrong token (or password)");
            if (method != "get" && path is not ("/api/account/login" or "/api/workflows/validate" or "/api/dataflows/validate"))
            {
                statuses.Should().Contain("403", $"{method} {path} changes something, which a Viewer may not");
            }

            if (path.Contains('{', StringComparison.Ordinal) && method != "put")
            {
                statuses.Should().Contain("404", $"{method} {path} names something that may not exist");
            }
        }
    }

    [Fact]
    public async Task Scalar_reference_page_starts_with_the_bearer_scheme_chosen()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>(), "Development");
        using var client = app.CreateClient();

        var page = await client.GetStringAsync("/scalar/");

        page.Should().Contain("""
            "authentication":{"preferredSecurityScheme":["Bearer"]}
            """);
    }

    [Theory]
    [InlineData("Development", true)]
    [InlineData("Production", false)]
    public async Task Scalar_reference_page_is_served_in_Development_only(string environment, bool served)
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>(), environment);
        using var client = app.CreateClient();

        var response = await client.GetAsync("/scalar");

        response.IsSuccessStatusCode.Should().Be(served);
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Any(e => e.RoutePattern.RawText!.StartsWith("/scalar", StringComparison.Ordinal)).Should().Be(served);
    }

    private static List<string> Statuses(JsonElement paths, string path, string method) =>
        paths.GetProperty(path).GetProperty(method).GetProperty("responses").EnumerateObject().Select(r => r.Name).ToList();
}

using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Web.Tests;

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
            .GetProperty("workflow").GetString().Should().Be("orders-import");
        document.GetProperty("paths").GetProperty("/api/account/login").GetProperty("post").TryGetProperty("security", out _).Should().BeFalse();
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
}

using System.Net;
using Hangfire;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>Scheduler:Role splits the service into API nodes and worker nodes.</summary>
public sealed class NodeRoleTests
{
    [Fact]
    public async Task Web_node_runs_no_Hangfire_server_and_a_job_it_queues_has_its_record_at_once()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Scheduler:Role"] = "Web" }));
        using var client = await app.LoginAsync();

        var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));

        app.Services.GetRequiredService<JobStorage>().GetMonitoringApi().Servers().Should().BeEmpty();
        var status = await client.GetStringAsync($"/api/jobs/{jobId}/status");
        status.Should().Contain("\"status\":\"Queued\"").And.Contain("\"state\":\"Enqueued\"");
    }

    [Fact]
    public async Task Worker_node_serves_no_API_only_the_health_endpoints_and_runs_a_Hangfire_server()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?> { ["Scheduler:Role"] = "Worker", ["Scheduler:WorkerCount"] = "1" });
        using var client = app.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.PostAsync("/api/account/login", new StringContent("{}", System.Text.Encoding.UTF8, "application/json")))
            .IsSuccessStatusCode.Should().BeFalse();
        app.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(e => e.RoutePattern.RawText)
            .Should().BeEquivalentTo("/health/live", "/health/ready");
        app.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>()
            .Should().Contain(s => s.GetType().Name == "BackgroundJobServerHostedService");
    }

    [Fact]
    public void Worker_node_without_workers_refuses_to_start_and_says_why()
    {
        using var app = new SchedulerApp(new Dictionary<string, string?> { ["Scheduler:Role"] = "Worker", ["Scheduler:WorkerCount"] = "0" });

        app.StartRefusal().Should().BeOfType<OptionsValidationException>().Which.Message.Should().Match("*Scheduler:Role is Worker*WorkerCount is 0*");
    }

    [Fact]
    public void Unknown_role_refuses_to_start_and_names_the_setting()
    {
        using var app = new SchedulerApp(new Dictionary<string, string?> { ["Scheduler:Role"] = "Everything" });

        app.StartRefusal().Should().BeOfType<InvalidOperationException>().Which.Message.Should().Match("*Everything*Scheduler:Role*");
    }
}

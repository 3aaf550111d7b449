using System.Net;
using Microsoft.Extensions.Options;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>With no connection string the service still runs the samples, in memory, and says that nothing is durable.</summary>
public sealed class EmbeddedModeTests
{
    [Fact]
    public async Task Without_a_connection_string_the_local_sample_runs_in_memory_and_the_log_says_nothing_is_durable()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();

        var details = await client.WaitForEndAsync(await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv")));

        details.Text("status").Should().Be("Completed", details.ToString());
        var outputs = details.Step("RunDataflow1").GetProperty("outputs");
        outputs.GetProperty("rowsWritten").GetInt64().Should().Be(20);
        File.ReadLines(outputs.Text("outputPath")!).Should().HaveCount(21);
        app.LogLines.Should().Contain(line => line.Contains("NOTHING IS DURABLE", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Reading_or_deleting_an_unknown_definition_leaves_the_lists_and_saves_working()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();

        (await client.GetAsync("/api/workflows/no-such-workflow")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync("/api/workflows/no-such-history/versions")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.DeleteAsync("/api/dataflows/no-such-dataflow")).StatusCode.Should().Be(HttpStatusCode.NotFound);

        (await client.GetAsync("/api/workflows")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await client.GetAsync("/api/dataflows")).StatusCode.Should().Be(HttpStatusCode.OK);
        var saved = await client.PutWorkflowAsync(DefinitionsClient.SampleWorkflow("local-orders-import", DefinitionsClient.UniqueName("after-unknown")));
        saved.GetProperty("version").GetInt32().Should().Be(1);
        (await client.WaitForEndAsync(await client.StartAsync("local-orders-import"))).Text("status").Should().Be("Completed");
    }

    [Fact]
    public async Task Outside_Development_the_service_refuses_to_start_without_an_admin_password()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?> { ["Auth:AdminPassword"] = "" }, environment: "Production");

        app.StartRefusal().Should().BeOfType<OptionsValidationException>().Which.Message.Should().Match("*Auth:AdminPassword*");
        await Task.CompletedTask;
    }

    [Fact]
    public async Task In_Development_the_admin_password_defaults_to_Admin123_with_a_warning()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?> { ["Auth:AdminPassword"] = "" }, environment: "Development");
        using var client = app.CreateClient();

        var response = await client.PostAsync(
            "/api/account/login",
            new StringContent("{\"user\":\"admin\",\"password\":\"Admin123\"}", System.Text.Encoding.UTF8, "application/json"));

        response.IsSuccessStatusCode.Should().BeTrue();
        app.LogLines.Should().Contain(line => line.Contains("Auth:AdminPassword is not set", StringComparison.Ordinal));
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.DefinitionsClient;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Http;

/// <summary>
/// Requests that once ended the whole process (a stack overflow in a recursive parser cannot be caught) are refused
/// with a problem that names the limit, and the same process goes on answering and running jobs.
/// </summary>
public sealed class ParserLimitsTests : IAsyncLifetime
{
    private static readonly string TenThousandParentheses = new string('(', 10_000) + "1 > 0" + new string(')', 10_000);

    private SchedulerApp App { get; } = new(TestUsers.Settings(SchedulerApp.WithSampleFiles()));

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync() => await App.DisposeAsync();

    [Fact]
    public async Task Expression_nested_ten_thousand_deep_is_refused_for_a_Viewer_and_the_service_still_runs_jobs()
    {
        using var viewer = await App.LoginAsAsync(TestUsers.Viewer);
        using var admin = await App.LoginAsync();
        var workflow = SampleWorkflow("local-orders-import", UniqueName("deep"));
        workflow["tasks"]!.AsArray().Add(new JsonObject
        {
            ["name"] = "Check",
            ["type"] = "Decision",
            ["dependsOn"] = new JsonArray("RunDataflow1"),
            ["inputs"] = new JsonObject { ["expression"] = TenThousandParentheses },
        });
        var dataflow = SampleDataflow(UniqueName("deep"));
        dataflow["transforms"] = new JsonArray(new JsonObject { ["type"] = "Filter", ["expression"] = TenThousandParentheses });

        var workflowProblems = await ValidateAsync(viewer, "workflows", workflow);
        var dataflowProblems = await ValidateAsync(viewer, "dataflows", dataflow);
        var saved = await admin.PutDefinitionAsync("dataflows", dataflow["name"]!.GetValue<string>(), dataflow.ToJsonString());

        workflowProblems.Should().ContainSingle(p => p.Text("path") == "$.tasks[2].inputs")
            .Which.Text("message").Should().Contain("the limit is 4000 (ExpressionLimits.MaxLength)");
        dataflowProblems.Should().ContainSingle(p => p.Text("path") == "$.transforms[0].expression")
            .Which.Text("message").Should().Contain("the limit is 4000 (ExpressionLimits.MaxLength)");
        (await ErrorsOf(saved)).GetProperty("$.transforms[0].expression")[0].GetString().Should().Contain("ExpressionLimits.MaxLength");
        await TheServiceStillAnswersAndRunsAJobAsync(admin);
    }

    [Fact]
    public async Task Expression_that_would_allocate_half_a_billion_characters_is_refused_when_saved()
    {
        using var admin = await App.LoginAsync();
        var workflow = SampleWorkflow("local-orders-import", UniqueName("alloc"));
        workflow["tasks"]!.AsArray().Add(new JsonObject
        {
            ["name"] = "Check",
            ["type"] = "Decision",
            ["inputs"] = new JsonObject { ["expression"] = "new string((char)65, 500000000).Length > 0" },
        });

        var response = await admin.PutDefinitionAsync("workflows", workflow["name"]!.GetValue<string>(), workflow.ToJsonString());

        (await ErrorsOf(response)).GetProperty("$.tasks[2].inputs")[0].GetString().Should().Contain("'new string(...)' is not allowed");
        await TheServiceStillAnswersAndRunsAJobAsync(admin);
    }

    [Fact]
    public async Task Cron_listing_three_hundred_thousand_values_is_refused_for_an_Operator_and_the_service_still_runs_jobs()
    {
        using var operatorClient = await App.LoginAsAsync(TestUsers.Operator);
        var tooLargeABody = string.Join(',', Enumerable.Repeat("0", 300_000)) + " * * * *";
        var fitsTheBody = string.Join(',', Enumerable.Repeat("0", 30_000)) + " * * * *";

        var refusedUnread = await operatorClient.PutAsJsonAsync("/api/schedules/x", Schedule(tooLargeABody));
        var refusedUnparsed = await operatorClient.PutAsJsonAsync("/api/schedules/x", Schedule(fitsTheBody));

        refusedUnread.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge);
        (await refusedUnread.Content.ReadAsStringAsync()).Should().Contain("larger than 64 KiB");
        (await ErrorsOf(refusedUnparsed)).GetProperty("cron")[0].GetString().Should()
            .Contain($"{fitsTheBody.Length} characters long; the limit is 200 (CronLimits.MaxLength)");
        await TheServiceStillAnswersAndRunsAJobAsync(operatorClient);
    }

    [Fact]
    public async Task Cron_firing_more_often_than_schedules_are_checked_is_refused_with_the_floor()
    {
        using var operatorClient = await App.LoginAsAsync(TestUsers.Operator);

        var response = await operatorClient.PutAsJsonAsync("/api/schedules/every-five-seconds", Schedule("*/5 * * * * *"));

        (await ErrorsOf(response)).GetProperty("cron")[0].GetString().Should()
            .Contain("fires 5 s apart").And.Contain("at least 15 s apart (CronLimits.MinimumInterval)");
        (await operatorClient.GetAsync("/api/schedules/every-five-seconds")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static object Schedule(string cron) =>
        new { workflow = "local-orders-import", cron, parameters = new[] { Parameter("Variables", "sourceFilePath", "orders.csv") } };

    private static JsonObject SampleDataflow(string name)
    {
        var dataflow = JsonNode.Parse(File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "dataflows", "orders-to-csv.json"))))!.AsObject();
        dataflow["name"] = name;
        return dataflow;
    }

    private static async Task<List<JsonElement>> ValidateAsync(HttpClient client, string kind, JsonObject document)
    {
        var response = await client.PostAsync($"/api/{kind}/validate", new StringContent(document.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK, await response.Content.ReadAsStringAsync());
        var validation = await response.Content.ReadFromJsonAsync<JsonElement>();
        validation.GetProperty("valid").GetBoolean().Should().BeFalse();
        return [.. validation.GetProperty("problems").EnumerateArray()];
    }

    private async Task TheServiceStillAnswersAndRunsAJobAsync(HttpClient client)
    {
        (await App.CreateClient().GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        (await client.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed");
    }
}

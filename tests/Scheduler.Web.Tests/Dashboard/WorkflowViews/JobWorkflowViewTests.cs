using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Scheduler.Testing;

namespace Scheduler.Web.Tests.Dashboard.WorkflowViews;

/// <summary>The job page's workflow block over HTTP, in-process, for a job cancelled while a step ran on PostgreSQL.</summary>
public sealed partial class JobWorkflowViewTests
{
    [Fact]
    public async Task A_cancelled_jobs_page_draws_the_step_it_stopped_and_the_steps_after_it_in_the_Cancelled_colour()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(new Dictionary<string, string?>
        {
            ["Connections:Db:Type"] = "PostgreSql",
            ["Connections:Db:ConnectionString"] = await PostgresServer.Shared.CreateDatabaseAsync("cancelled_page"),
        }));
        using var admin = await app.LoginAsync();
        await admin.PutWorkflowAsync(JsonNode.Parse("""
            {"name":"cancelled-page","tasks":[
              {"name":"Wait","type":"RunSql","inputs":{"connection":"Db","sql":"SELECT 1 AS slept FROM pg_sleep(60)"}},
              {"name":"After","type":"Decision","dependsOn":["Wait"],"inputs":{"expression":"true"}}]}
            """)!.AsObject());
        var jobId = await admin.StartAsync("cancelled-page");
        await Eventually.GetAsync(
            token => admin.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}", token),
            job => job.GetProperty("steps").EnumerateArray().Any(s => s.Text("name") == "Wait" && s.Text("status") == "Running"),
            $"job {jobId}'s Wait step to run");

        (await admin.PostAsync($"/api/jobs/{jobId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        var details = await admin.WaitForEndAsync(jobId);
        details.Text("status").Should().Be("Cancelled", details.ToString());
        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        var page = await viewer.GetStringAsync($"/hangfire/jobs/details/{jobId}");

        page.Should().Contain("data-ended=\"true\" data-status=\"Cancelled\"", "a cancelled job's page stops refreshing");
        var boxes = BoxPattern().Matches(page).ToDictionary(m => m.Groups["task"].Value, m => (Status: m.Groups["status"].Value, Fill: m.Groups["fill"].Value));
        boxes["Wait"].Should().Be(("Cancelled", "#fcf8e3"), page);
        boxes["After"].Should().Be(("Cancelled", "#fcf8e3"), "a step the cancel kept from running is cancelled, not skipped");
        page.Should().MatchRegex("<g class=\"gantt-step\" data-step=\"Wait\" data-status=\"Cancelled\" data-retries=\"0\">.*?<rect class=\"gantt-bar\"", "the cancelled step ran for a while: it has a bar");
        page.Should().MatchRegex("<g class=\"gantt-step\" data-step=\"After\" data-status=\"Cancelled\" data-retries=\"0\">(?:(?!</g>).)*>cancelled</text></g>", "a step that never started has no bar");
    }

    [GeneratedRegex("<g class=\"task\" data-task=\"(?<task>[^\"]+)\" data-type=\"[^\"]+\" data-level=\"\\d+\" data-status=\"(?<status>[^\"]+)\"><title>[^<]*</title><rect [^>]*fill=\"(?<fill>#[0-9a-f]{6})\"")]
    private static partial Regex BoxPattern();
}

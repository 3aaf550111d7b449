using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.DashboardClient;

namespace Scheduler.Web.Tests.Dashboard.WorkflowViews;

/// <summary>The Workflows list over HTTP, in-process: each column of a workflow's row.</summary>
public sealed class WorkflowsPageTests
{
    [Fact]
    public async Task Each_row_shows_the_version_validity_last_run_and_the_next_run_in_the_schedules_zone_and_in_UTC()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(SchedulerApp.WithSampleFiles(SchedulerApp.WithDrops())));
        using var admin = await app.LoginAsync();
        const string Listed = "listed";
        foreach (var expression in new[] { "true", "1 == 1" })
        {
            await admin.PutWorkflowAsync(JsonNode.Parse($$$"""{"name":"{{{Listed}}}","tasks":[{"name":"Check","type":"Decision","inputs":{"expression":"{{{expression}}}"}}]}""")!.AsObject());
        }

        var jobId = await admin.StartAsync(Listed);
        var finishedAt = (await admin.WaitForEndAsync(jobId)).GetProperty("finishedAt").GetDateTimeOffset();
        var cron = await admin.PutAsJsonAsync("/api/schedules/listed-nightly", new { workflow = Listed, cron = "30 2 * * *", timeZone = "Asia/Kolkata" });
        cron.EnsureSuccessStatusCode();
        var nextRun = (await cron.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextRun").GetDateTimeOffset();

        // Polled every 15 s, so sooner than the cron's run: the list still shows the cron's, the one that runs the workflow at a time.
        var fileDrop = new { type = "FileDropped", connection = "Drops", path = "in/*.csv", pollInterval = 15 };
        (await admin.PutAsJsonAsync("/api/schedules/listed-drop", new { workflow = Listed, trigger = fileDrop })).EnsureSuccessStatusCode();
        (await admin.PutAsJsonAsync("/api/schedules/orders-drop", new { workflow = "dropped-orders-import", trigger = new { fileDrop.type, fileDrop.connection, fileDrop.path, fileDrop.pollInterval, variable = "sourceFilePath" } }))
            .EnsureSuccessStatusCode();
        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);

        var page = await viewer.GetStringAsync("/hangfire/workflows");

        var listed = Row(page, "data-workflow", Listed);
        Cell(listed, "class=\"workflow-version\"").Should().Be("2", "the version column holds the latest version");
        Cell(listed, "class=\"workflow-valid\"").Should().Contain("valid").And.NotContain("invalid");
        Cell(listed, "class=\"workflow-last-run\"").Should().MatchRegex($"^<a href=\"/hangfire/jobs/details/{jobId}\">Completed</a> {finishedAt.UtcDateTime:yyyy-MM-dd HH:mm:ss}Z$");
        Cell(listed, "class=\"workflow-next-run next-run-local\"").Should()
            .StartWith($"{nextRun.ToOffset(TimeSpan.FromHours(5.5)):yyyy-MM-dd} 02:30:00 +05:30").And.Contain("Asia/Kolkata").And.Contain("(listed-nightly)");
        Cell(listed, "class=\"workflow-next-run next-run-utc\"").Should().Be($"{nextRun.UtcDateTime:yyyy-MM-dd} 21:00:00 +00:00");

        var dropped = Row(page, "data-workflow", "dropped-orders-import");
        Cell(dropped, "class=\"workflow-next-run\" colspan=\"2\"").Should().Be(
            "on a new file: <code>FileDropped: in/*.csv on Drops, polled every 15 s</code> <span class=\"text-muted\">(orders-drop)</span>");

        var invalid = Row(page, "data-workflow", "orders-import");
        Cell(invalid, "class=\"workflow-valid\"").Should().MatchRegex("invalid</span> [1-9][0-9]* problem\\(s\\)$", "OrdersFtp and Warehouse are not configured here");
        Cell(invalid, "class=\"workflow-last-run text-muted\"").Should().Be("never");
        Cell(invalid, "class=\"workflow-next-run text-muted\" colspan=\"2\"").Should().Be("not scheduled");
    }
}

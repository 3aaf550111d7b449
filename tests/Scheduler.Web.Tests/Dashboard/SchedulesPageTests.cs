using System.Net.Http.Json;
using System.Text.Json;
using static Scheduler.Web.Tests.Fixtures.DashboardClient;

namespace Scheduler.Web.Tests.Dashboard;

/// <summary>The Schedules page over HTTP, in-process: a file-drop schedule and a paused one beside the cron schedules.</summary>
public sealed class SchedulesPageTests
{
    [Fact]
    public async Task A_file_drop_schedule_shows_the_folder_it_watches_and_its_next_poll_and_a_paused_schedule_says_paused()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(SchedulerApp.WithSampleFiles(SchedulerApp.WithDrops(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }))));
        using var admin = await app.LoginAsync();
        var saved = await admin.PutAsJsonAsync("/api/schedules/orders-drop", new
        {
            workflow = "dropped-orders-import",
            trigger = new { type = "FileDropped", connection = "Drops", path = "in/*.csv", pollInterval = 30, variable = "sourceFilePath" },
        });
        saved.EnsureSuccessStatusCode();
        var nextPoll = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextRun").GetDateTimeOffset();
        (await admin.PutAsJsonAsync("/api/schedules/paused-nightly", new { workflow = "local-orders-import", cron = "0 3 * * *", enabled = false })).EnsureSuccessStatusCode();
        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);

        var page = await viewer.GetStringAsync("/hangfire/schedules");

        var drop = Row(page, "data-schedule", "orders-drop");
        drop.Should().Contain("<td>dropped-orders-import</td>")
            .And.Contain("<code style=\"white-space: nowrap\">FileDropped: in/*.csv on Drops, polled every 30 s</code>");
        Cell(drop, "class=\"next-run-utc\"").Should().Be($"{nextPoll.UtcDateTime:yyyy-MM-dd HH:mm:ss} +00:00");
        Cell(drop, "class=\"next-run-local\"").Should().StartWith($"{nextPoll.UtcDateTime:yyyy-MM-dd HH:mm:ss} +00:00", "a file-drop schedule polls on UTC");
        var paused = Row(page, "data-schedule", "paused-nightly");
        paused.Should().Contain("<code style=\"white-space: nowrap\">0 3 * * *</code>");
        Cell(paused, "class=\"next-run-local\"").Should().Be("paused");
        Cell(paused, "class=\"next-run-utc\"").Should().Be("paused");
    }
}

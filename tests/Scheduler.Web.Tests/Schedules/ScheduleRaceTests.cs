using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Schedules;

/// <summary>Saves, deletes and triggers of one schedule from several clients at once keep the schedule whole.</summary>
public sealed class ScheduleRaceTests
{
    [Fact]
    public async Task Saves_deletes_and_triggers_of_one_schedule_racing_each_other_always_get_a_clear_answer()
    {
        // The in-memory storage answers fast enough to hit the window: a delete between a save's two writes once
        // left a hash that a trigger took for a recurring job with no job in it (a 500 in the hostile-input run).
        using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }));
        using var first = await app.LoginAsync();
        using var second = await app.LoginAsync();
        const string id = "raced";
        var body = new { workflow = "local-orders-import", cron = "0 2 * * *", parameters = new[] { Parameter("Variables", "sourceFilePath", "orders.csv") } };
        var answers = new ConcurrentBag<(string Request, HttpStatusCode Status)>();
        async Task RepeatAsync(string request, Func<Task<HttpResponseMessage>> send)
        {
            for (var i = 0; i < 200; i++)
            {
                using var response = await send();
                answers.Add((request, response.StatusCode));
            }
        }

        await Task.WhenAll(new[] { first, second }.SelectMany(client => new[]
        {
            RepeatAsync("save", () => client.PutAsJsonAsync($"/api/schedules/{id}", body)),
            RepeatAsync("delete", () => client.DeleteAsync($"/api/schedules/{id}")),
            RepeatAsync("trigger", () => client.PostAsync($"/api/schedules/{id}/trigger", null)),
        }));

        Statuses(answers, "save").Should().BeSubsetOf([HttpStatusCode.OK, HttpStatusCode.Created]);
        Statuses(answers, "delete").Should().BeSubsetOf([HttpStatusCode.NoContent, HttpStatusCode.NotFound]);
        Statuses(answers, "trigger").Should().BeSubsetOf([HttpStatusCode.Accepted, HttpStatusCode.NotFound]);

        // Whether any racing trigger found the schedule saved depends on the machine's timing; after the race the
        // schedule must still save and trigger as if nothing had happened.
        using (var saved = await first.PutAsJsonAsync($"/api/schedules/{id}", body))
        {
            saved.StatusCode.Should().BeOneOf(HttpStatusCode.OK, HttpStatusCode.Created);
        }

        using (var triggered = await second.PostAsync($"/api/schedules/{id}/trigger", null))
        {
            triggered.StatusCode.Should().Be(HttpStatusCode.Accepted);
        }

        app.LogLines.Should().NotContain(line => line.StartsWith("Error Microsoft.AspNetCore", StringComparison.Ordinal));
    }

    private static IEnumerable<HttpStatusCode> Statuses(IEnumerable<(string Request, HttpStatusCode Status)> answers, string request) =>
        answers.Where(answer => answer.Request == request).Select(answer => answer.Status).Distinct();
}

using System.Net;
using System.Net.Http.Json;
using Npgsql;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Schedules;

/// <summary>Every role reads schedules; only Operators and Admins change or trigger them.</summary>
public sealed class ScheduleRolesTests : IDisposable
{
    // The shared test cluster has a hundred connections; idle pooled ones of this short-lived service are let go.
    public void Dispose() => NpgsqlConnection.ClearAllPools();

    [Fact]
    public async Task Viewer_reads_schedules_but_is_refused_with_403_to_save_trigger_or_delete_while_an_Operator_may()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("schedule_roles"),
            ["Scheduler:WorkerCount"] = "0",
        })));
        using var viewer = await app.LoginAsAsync(TestUsers.Viewer);
        using var operatorClient = await app.LoginAsAsync(TestUsers.Operator);
        var body = new
        {
            workflow = "local-orders-import",
            cron = "0 2 * * *",
            parameters = new[] { Parameter("Variables", "sourceFilePath", "orders.csv") },
        };

        (await viewer.PutAsJsonAsync("/api/schedules/by-viewer", body)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await operatorClient.PutAsJsonAsync("/api/schedules/by-operator", body)).StatusCode.Should().Be(HttpStatusCode.Created);

        (await viewer.GetAsync("/api/schedules")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.GetAsync("/api/schedules/by-operator")).StatusCode.Should().Be(HttpStatusCode.OK);
        (await viewer.PostAsync("/api/schedules/by-operator/trigger", null)).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await viewer.DeleteAsync("/api/schedules/by-operator")).StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await operatorClient.PostAsync("/api/schedules/by-operator/trigger", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        (await operatorClient.DeleteAsync("/api/schedules/by-operator")).StatusCode.Should().Be(HttpStatusCode.NoContent);
    }
}

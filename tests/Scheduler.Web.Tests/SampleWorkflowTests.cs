using static Scheduler.Web.Tests.JobsClient;

namespace Scheduler.Web.Tests;

/// <summary>The samples a newcomer runs first work as the documentation says, with no external service.</summary>
public sealed class SampleWorkflowTests
{
    [Fact]
    public async Task The_checked_import_archives_in_parallel_publishes_rejected_rows_and_skips_the_error_path()
    {
        var outbox = Directory.CreateTempSubdirectory("scheduler-outbox-").FullName;
        try
        {
            await using var app = new SchedulerApp(new Dictionary<string, string?>
            {
                ["Connections:SampleFiles:Type"] = "Local",
                ["Connections:SampleFiles:Path"] = SchedulerApp.RepositoryFolder(Path.Combine("samples", "data")),
                ["Connections:Outbox:Type"] = "Local",
                ["Connections:Outbox:Path"] = outbox,
            });
            using var client = await app.LoginAsync();

            var details = await client.WaitForEndAsync(await client.StartAsync("orders-import-checked"));

            details.Text("status").Should().Be("Completed", details.ToString());
            details.Step("Download").Text("status").Should().Be("Completed");
            details.Step("Archive").Text("status").Should().Be("Completed");
            details.Step("Load").GetProperty("outputs").GetProperty("rowsRejected").GetInt64().Should().Be(2);
            details.Step("AnyRejected").GetProperty("outputs").GetProperty("result").GetBoolean().Should().BeTrue();
            details.Step("PublishRejected").Text("status").Should().Be("Completed");
            details.Step("Quarantine").Text("status").Should().Be("Skipped");
            details.GetProperty("outputs").GetProperty("rowsLoaded").GetInt64().Should().Be(20);
            File.Exists(Path.Combine(outbox, "archive-orders.csv")).Should().BeTrue();
            File.ReadAllText(Path.Combine(outbox, "rejected-orders.csv")).Should().Contain("abc");
            File.Exists(Path.Combine(outbox, "failed-orders.csv")).Should().BeFalse();
        }
        finally
        {
            Directory.Delete(outbox, recursive: true);
        }
    }
}

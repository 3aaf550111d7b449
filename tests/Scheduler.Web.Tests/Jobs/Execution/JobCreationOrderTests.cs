using Npgsql;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>A job's record is written before any worker can see the job, however fast the workers are.</summary>
public sealed class JobCreationOrderTests
{
    [Fact]
    public async Task Every_job_of_a_burst_was_created_before_it_started()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("created"),
            ["Scheduler:WorkerCount"] = "4",
        }));
        using var client = await app.LoginAsync();

        var jobs = await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"))));

        foreach (var jobId in jobs)
        {
            var details = await client.WaitForEndAsync(jobId);
            details.Text("status").Should().Be("Completed");
            details.GetProperty("createdAt").GetDateTimeOffset().Should().BeBefore(details.GetProperty("startedAt").GetDateTimeOffset(), jobId);
        }

        NpgsqlConnection.ClearAllPools();
    }
}

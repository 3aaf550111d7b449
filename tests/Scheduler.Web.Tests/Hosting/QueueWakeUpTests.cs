using System.Globalization;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Hosting;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>A queued job starts while a worker is free even when the NOTIFY that should wake the worker is lost.</summary>
public sealed class QueueWakeUpTests : IDisposable
{
    // The shared test cluster has a hundred connections; idle pooled ones of this short-lived service are let go.
    public void Dispose() => NpgsqlConnection.ClearAllPools();

    [Fact]
    public async Task A_job_queued_without_a_notification_is_picked_up_without_any_other_enqueue()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("wakeup");
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = database,
            ["Scheduler:WorkerCount"] = "1",
        }));
        using var client = await app.LoginAsync();
        var jobId = long.Parse(await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv")), CultureInfo.InvariantCulture);
        await client.WaitForEndAsync(jobId.ToString(CultureInfo.InvariantCulture));
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();

        // The job queued again the way another node's enqueue looks when its NOTIFY reaches no listener: the rows and
        // nothing else (a Hangfire client in this process would also wake this process's worker directly).
        await using (var requeue = new NpgsqlCommand($"UPDATE hangfire.job SET statename = 'Enqueued' WHERE id = {jobId}; INSERT INTO hangfire.jobqueue (jobid, queue) VALUES ({jobId}, 'default')", connection))
        {
            await requeue.ExecuteNonQueryAsync();
        }

        // A correctness bound of several poll intervals, not a measure of speed.
        var processed = await Eventually.GetAsync(
            _ => ScalarAsync(connection, $"SELECT count(*) FROM hangfire.state WHERE jobid = {jobId} AND name = 'Processing'"),
            processed => processed >= 2,
            $"job {jobId} to be processed a second time",
            processed => $"processed {processed} time(s)",
            TimeSpan.FromSeconds(30));

        processed.Should().Be(2, "the idle worker's own poll finds a queued job that no NOTIFY announced");
    }

    [Fact]
    public void Hangfire_connections_get_a_keepalive_that_ends_a_listener_wait_whose_cancellation_was_lost()
    {
        var hangfire = new NpgsqlConnectionStringBuilder(QueueWakeUp.WithKeepAlive("Host=db;Database=scheduler;Username=s;Password=p"));
        var ownValue = new NpgsqlConnectionStringBuilder(QueueWakeUp.WithKeepAlive("Host=db;Keepalive=2"));

        hangfire.KeepAlive.Should().Be(QueueWakeUp.KeepAliveSeconds);
        hangfire.Password.Should().Be("p");
        hangfire.Database.Should().Be("scheduler");
        ownValue.KeepAlive.Should().Be(2);
    }

    private static async Task<long> ScalarAsync(NpgsqlConnection connection, string sql)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }
}

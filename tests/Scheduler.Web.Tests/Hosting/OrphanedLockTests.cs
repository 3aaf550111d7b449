using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Jobs.Execution;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>A Hangfire lock row left by a holder that died (a crash, a database restart) holds nothing up for long.</summary>
public sealed class OrphanedLockTests
{
    [Fact]
    public async Task A_scheduled_job_runs_although_a_dead_holder_left_the_scheduler_lock_behind()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("locks");
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = database,
            ["Scheduler:WorkerCount"] = "1",
        }));
        using var client = await app.LoginAsync();

        // Due in a few seconds: the orphans below are in place before the scheduler moves it to the queue.
        var jobId = app.Services.GetRequiredService<IBackgroundJobClient>()
            .Create(WorkflowJob.Call("local-orders-import", [new("Variables", "sourceFilePath", "orders.csv")]), new ScheduledState(TimeSpan.FromSeconds(3)));

        // Older than the 30 s after which a lock is taken over, far younger than Hangfire.PostgreSql's 10 min default:
        // the job's state lock and the scheduler's, as a process killed while holding them leaves them.
        await using (var dataSource = NpgsqlDataSource.Create(database))
        await using (var orphans = dataSource.CreateCommand($"""
            INSERT INTO hangfire.lock (resource, acquired, updatecount)
            VALUES ('hangfire:job:{jobId}:state-lock', now() - interval '40 seconds', 1), ('hangfire:locks:schedulepoller', now() - interval '40 seconds', 1)
            ON CONFLICT (resource) DO UPDATE SET acquired = EXCLUDED.acquired
            """))
        {
            await orphans.ExecuteNonQueryAsync();
        }

        (await client.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed");
        NpgsqlConnection.ClearAllPools();
    }
}

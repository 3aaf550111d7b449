using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Binding;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>Tests that take every thread of the process's thread pool, and so run alone, after all others.</summary>
[CollectionDefinition(nameof(ThreadPoolTaken), DisableParallelization = true)]
public sealed class ThreadPoolTaken;

/// <summary>
/// Hangfire creates a job synchronously, on the caller's thread: for a run request, a thread pool thread. If anything
/// on that way waited for another pool thread (an asynchronous write blocked on, the second statement of a command that
/// Npgsql writes on the pool), a burst of requests that took every pool thread would wait for the pool to grow, a
/// thread every half second or so: 40 requests took 32 s, and some answered 503 after the database's 30 s timeout.
/// A cancel of a queued job is the same: Hangfire changes its state on the request's thread, under the job's lock; and
/// so are the reads of a job's Hangfire history for its details and of the dashboard's statistics.
/// </summary>
[Collection(nameof(ThreadPoolTaken))]
public sealed class JobCreationWithoutThreadPoolTests
{
    // Far more than the pool starts with or adds during the test (the pool adds about two threads a second when starved).
    private const int Blockers = 1000;

    [Fact]
    public async Task A_job_is_created_cancelled_and_read_while_every_thread_pool_thread_is_taken()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("starved"),
            ["Scheduler:Role"] = "Web",
        }));
        using var client = await app.LoginAsync();

        // A job through the API first: the schema, the connection pools and the code on the way are ready.
        await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        var jobs = app.Services.GetRequiredService<IBackgroundJobClientV2>();
        var storage = app.Services.GetRequiredService<JobStorage>();
        var parameters = new[] { new ParameterAssignment("Variables", "sourceFilePath", "orders.csv") };

        string? jobId = null;
        var cancelled = false;
        List<string>? history = null;
        long? deleted = null;
        Exception? failure = null;
        var creator = new Thread(() =>
        {
            try
            {
                jobId = jobs.Create(WorkflowJob.Call("local-orders-import", parameters), new EnqueuedState());
                cancelled = jobs.Delete(jobId);
                var monitoring = storage.GetMonitoringApi();
                history = monitoring.JobDetails(jobId)?.History.Select(h => h.StateName).ToList();
                deleted = monitoring.GetStatistics().Deleted;
            }
            catch (Exception e)
            {
                failure = e;
            }
        });

        bool finished;
        var gate = new Gate();
        for (var i = 0; i < Blockers; i++)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => gate.Wait(), null);
        }

        try
        {
            creator.Start();

            // Not a measure of speed: without a free pool thread the creation either finishes at the database's pace
            // or, when it needs the pool, not before the pool has grown past the blockers (minutes).
            finished = creator.Join(TimeSpan.FromSeconds(20));
        }
        finally
        {
            gate.Open();
        }

        creator.Join();
        finished.Should().BeTrue("neither the creation, the cancel nor the read must wait for a thread pool thread");
        failure.Should().BeNull();
        cancelled.Should().BeTrue();
        history.Should().Equal(DeletedState.StateName, EnqueuedState.StateName);
        deleted.Should().Be(1);
        (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status")).Text("status").Should().Be("Cancelled");
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Holds the threads that wait on it until opened; nothing to dispose, so a blocker that starts late still returns.</summary>
    private sealed class Gate
    {
        private readonly object _lock = new();
        private bool _open;

        public void Wait()
        {
            lock (_lock)
            {
                while (!_open)
                {
                    Monitor.Wait(_lock);
                }
            }
        }

        public void Open()
        {
            lock (_lock)
            {
                _open = true;
                Monitor.PulseAll(_lock);
            }
        }
    }
}

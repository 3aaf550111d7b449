using System.Diagnostics;
using System.Reflection;
using Hangfire;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>
/// The service's Hangfire write transactions leave the rows the library's leave, whether they commit as one statement
/// (a job's usual state changes) or the library's way (anything else), and a statement that fails writes nothing.
/// </summary>
public sealed class OneStatementTransactionTests
{
    private static readonly PostgreSqlStorageOptions Options = new() { SchemaName = StorageSetup.HangfireSchema, PrepareSchemaIfNecessary = true };

    public OneStatementTransactionTests()
    {
        // No service runs here: Hangfire's process-wide log provider would be the one of an earlier test's host, disposed.
        LogProvider.SetCurrentLogProvider(null);
    }

    [Fact]
    public async Task A_jobs_life_leaves_the_rows_the_librarys_transactions_leave()
    {
        var (ours, ourDatabase) = await StorageAsync(library: false);
        var (library, libraryDatabase) = await StorageAsync(library: true);

        foreach (var storage in new[] { ours, library })
        {
            var client = new BackgroundJobClient(storage);
            var done = client.Create(() => Console.WriteLine("done"), new EnqueuedState());
            client.ChangeState(done, new RunningState());
            client.ChangeState(done, new SucceededState("result", 1, 2));
            var later = client.Create(() => Console.WriteLine("later"), new ScheduledState(TimeSpan.FromDays(1)));
            client.ChangeState(later, new DeletedState());
            var failed = client.Create(() => TestJobs.Fails(), new EnqueuedState("other"));
            client.ChangeState(failed, new FailedState(new InvalidOperationException("boom")) { Reason = "it broke" });
            using var connection = storage.GetConnection();
            using var transaction = connection.CreateWriteTransaction();
            transaction.IncrementCounter("stats:custom", TimeSpan.FromHours(1));
            transaction.DecrementCounter("stats:custom");
            transaction.ExpireJob(failed, TimeSpan.FromMinutes(30));
            transaction.PersistJob(failed);
            transaction.ExpireJob(later, TimeSpan.FromMinutes(10));
            transaction.Commit();
        }

        var rows = await RowsAsync(ourDatabase);
        rows.Should().Equal(await RowsAsync(libraryDatabase));
        rows.Should().Contain(
        [
            "job 1: Succeeded, expires in 1440 min, state Succeeded",
            "state 1: Enqueued () EnqueuedAt,Queue",
            "state 1: Running (as Processing) ServerId",
            "state 1: Succeeded () Latency,PerformanceDuration,Result,SucceededAt",
            "queue 1 default",
            "counter stats:succeeded 1 expires never",
            "job 2: Deleted, expires in 10 min, state Deleted",
            "job 3: Failed, expires never, state Failed",
            "state 3: Failed (it broke) ExceptionDetails,ExceptionMessage,ExceptionType,FailedAt",
            "counter stats:custom 1 expires in 60 min",
            "counter stats:custom -1 expires never",
        ]);
    }

    [Fact]
    public async Task A_queued_job_wakes_a_listening_worker_when_its_state_commits()
    {
        var (ours, database) = await StorageAsync(library: false);
        await using var listener = new NpgsqlConnection(database);
        await listener.OpenAsync();
        var notified = 0;
        listener.Notification += (_, _) => Interlocked.Increment(ref notified);
        await using (var listen = new NpgsqlCommand($"LISTEN {NotifiedJobQueue.Channel}", listener))
        {
            await listen.ExecuteNonQueryAsync();
        }

        new BackgroundJobClient(ours).Create(() => Console.WriteLine("now"), new EnqueuedState());

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await listener.WaitAsync(wait.Token);
        notified.Should().Be(1);
    }

    [Fact]
    public async Task A_new_job_is_queued_in_one_statement_after_the_one_that_creates_it()
    {
        var (ours, _) = await StorageAsync(library: false);
        var client = new BackgroundJobClient(ours);
        client.Create(() => Console.WriteLine("first"), new EnqueuedState());

        var statements = Statements(() => client.Create(() => Console.WriteLine("x"), new EnqueuedState()));

        statements.Should().HaveCount(2, "one statement creates the job, one queues it: {0}", string.Join(" | ", statements));
    }

    [Fact]
    public async Task A_transaction_whose_statement_fails_writes_none_of_it()
    {
        var (ours, database) = await StorageAsync(library: false);
        var jobId = new BackgroundJobClient(ours).Create(() => Console.WriteLine("x"), new ScheduledState(TimeSpan.FromDays(1)));
        using var connection = ours.GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetJobState(jobId, new EnqueuedState());
        transaction.AddToQueue("default", jobId);
        transaction.IncrementCounter(null!);

        var commit = transaction.Commit;

        commit.Should().Throw<PostgresException>().Which.SqlState.Should().Be(PostgresErrorCodes.NotNullViolation);
        (await RowsAsync(database)).Should().Contain($"job {jobId}: Scheduled, expires never, state Scheduled").And.NotContain(r => r.StartsWith("queue ", StringComparison.Ordinal));
    }

    [Fact]
    public void Every_write_the_library_can_make_is_seen_by_the_transaction()
    {
        // A write it did not see would be left out of its one statement: a newer library's new write must be looked at.
        var library = typeof(PostgreSqlWriteOnlyTransaction).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.IsVirtual && m.DeclaringType == typeof(PostgreSqlWriteOnlyTransaction))
            .Select(Signature);
        var ours = typeof(OneStatementTransaction).GetMethods(BindingFlags.Public | BindingFlags.Instance)
            .Where(m => m.DeclaringType == typeof(OneStatementTransaction))
            .Select(Signature);

        ours.Should().BeEquivalentTo(library);
    }

    /// <summary>Jobs of this test; a job that fails is not retried, so that its Failed state is the last one.</summary>
    public static class TestJobs
    {
        [AutomaticRetry(Attempts = 0)]
        public static void Fails()
        {
        }
    }

    /// <summary>A state as Hangfire's Processing is written (no handler, not final), which only a worker can make.</summary>
    private sealed class RunningState : IState
    {
        public string Name => "Running";

        public string Reason => "as Processing";

        public bool IsFinal => false;

        public bool IgnoreJobLoadException => false;

        public Dictionary<string, string> SerializeData() => new() { ["ServerId"] = "server-1" };
    }

    /// <summary>The statements sent while <paramref name="action"/> runs on this thread, as Npgsql traces them.</summary>
    private static List<string> Statements(Action action)
    {
        using var source = new ActivitySource(nameof(OneStatementTransactionTests));
        var statements = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" || s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        using (var test = source.StartActivity("test")!)
        {
            listener.ActivityStopped = a =>
            {
                if (a.TraceId == test.TraceId && a != test)
                {
                    lock (statements)
                    {
                        statements.Add(a.DisplayName + ": " + string.Join(", ", a.Tags.Select(t => t.Key + "=" + t.Value)));
                    }
                }
            };
            action();
        }

        return statements;
    }

    private static string Signature(MethodInfo method) => $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    private static async Task<(JobStorage Storage, string Database)> StorageAsync(bool library)
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync(library ? "library_tx" : "one_statement");
        if (library)
        {
            return (new PostgreSqlStorage(new NpgsqlConnectionFactory(database, Options), Options), database);
        }

        var storage = new SchedulerPostgreSqlStorage(database, Options);
        storage.QueueProviders.Add(new NotifiedJobQueue(storage, Options, database, listener: null), ["default"]);
        return (storage, database);
    }

    /// <summary>Every row of the tables a write transaction writes, without what differs from run to run (times, ids of states).</summary>
    private static async Task<List<string>> RowsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        const string Expiry = "coalesce('in ' || round(extract(epoch FROM expireat - now()) / 60) || ' min', 'never')";
        const string Schema = StorageSetup.HangfireSchema;
        await using var command = new NpgsqlCommand($"""
            SELECT 'job ' || id || ': ' || statename || ', expires ' || {Expiry} || ', state ' || (SELECT name FROM {Schema}.state s WHERE s.id = j.stateid) FROM {Schema}.job j
            UNION ALL SELECT 'state ' || jobid || ': ' || name || ' (' || coalesce(reason, '') || ') ' || (SELECT string_agg(k, ',' ORDER BY k) FROM jsonb_object_keys(data) k) FROM {Schema}.state
            UNION ALL SELECT 'queue ' || jobid || ' ' || queue FROM {Schema}.jobqueue
            UNION ALL SELECT 'counter ' || key || ' ' || value || ' expires ' || {Expiry} FROM {Schema}.counter
            UNION ALL SELECT 'set ' || key || ' ' || value FROM {Schema}.set
            ORDER BY 1
            """, connection);
        var rows = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(reader.GetString(0));
        }

        return rows;
    }
}

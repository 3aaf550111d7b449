using System.Data;
using System.Diagnostics;
using System.Reflection;
using System.Transactions;
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
    public async Task A_jobs_life_leaves_the_rows_the_librarys_transactions_leave_in_fewer_statements()
    {
        var (ours, ourDatabase) = await StorageAsync(library: false);
        var (library, libraryDatabase) = await StorageAsync(library: true);

        var ourWrites = Life(ours);
        Life(library);

        var rows = await RowsAsync(ourDatabase);
        rows.Should().Equal(await RowsAsync(libraryDatabase));
        rows.Should().Contain(
        [
            "job 1: Succeeded, expires in 1440 min, state Succeeded",
            "state 1: Enqueued () {\"Queue\": \"default\"}",
            "state 1: Running (as Processing) {\"ServerId\": \"server-1\"}",
            "state 1: Succeeded () {\"Result\": \"\\\"result\\\"\"}",
            "queue 1 default",
            "counter stats:succeeded 1 expires never",
            "job 2: Deleted, expires in 10 min, state Deleted",
            "job 3: Failed, expires never, state Failed",
            "state 3: Failed (it broke) {\"ExceptionType\": \"System.InvalidOperationException\", \"ExceptionMessage\": \"boom\"}",
            "job 4: Succeeded, expires never, state Succeeded",
            "state 4: Running (as Processing) {\"ServerId\": \"server-1\"}",
            "counter stats:custom 1 expires in 60 min",
            "counter stats:custom -1 expires never",
        ]);
        ourWrites.Should().Contain(
            new Dictionary<string, int>
            {
                ["create and enqueue"] = 2,
                ["processing"] = 1,
                ["succeeded"] = 1,
                ["failed"] = 1,
                ["counters and expiries"] = 1,
            },
            "these commit in one statement (after the job's creation), the rest the library's way, a statement per write");
        ourWrites["create in another queue"].Should().BeGreaterThan(2, "a queue NotifiedJobQueue does not serve is the library's");
        ourWrites["delete a scheduled job"].Should().BeGreaterThan(1, "the schedule set is the library's");
        ourWrites["two states of one job"].Should().BeGreaterThan(1);
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
    public async Task A_state_change_inside_an_ambient_transaction_is_undone_with_it()
    {
        // Without enlisting on its own (Enlist=false), only the library's commit joins the ambient transaction.
        var (ours, database) = await StorageAsync(library: false, "Enlist=false");
        var jobId = new BackgroundJobClient(ours).Create(() => Console.WriteLine("x"), new ScheduledState(TimeSpan.FromDays(1)));
        using var connection = ours.GetConnection();

        using (new TransactionScope())
        {
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetJobState(jobId, new RunningState());
            transaction.PersistJob(jobId);
            transaction.Commit();
        }

        (await RowsAsync(database)).Should().Contain($"job {jobId}: Scheduled, expires never, state Scheduled", "the scope was not completed");
    }

    [Fact]
    public async Task A_job_queued_where_another_provider_serves_is_queued_by_that_provider()
    {
        var (ours, _) = await StorageAsync(library: false);
        var custom = new RecordingQueue();
        ((PostgreSqlStorage)ours).QueueProviders.Add(custom, ["custom"]);

        new BackgroundJobClient(ours).Create(() => Console.WriteLine("x"), new EnqueuedState("custom"));

        custom.Queued.Should().ContainSingle();
    }

    [Fact]
    public async Task A_write_of_the_services_own_commits_in_the_states_statement_or_just_before_the_librarys_commit()
    {
        var (ours, database) = await StorageAsync(library: false);
        await using (var table = new NpgsqlConnection(database))
        {
            await table.OpenAsync();
            await using var create = new NpgsqlCommand("CREATE TABLE own_writes (note text NOT NULL)", table);
            await create.ExecuteNonQueryAsync();
        }

        var client = new BackgroundJobClient(ours);
        var jobId = client.Create(() => Console.WriteLine("x"), new ScheduledState(TimeSpan.FromDays(1)));
        using var connection = ours.GetConnection();
        void Commit(string note, Action<IWriteOnlyTransaction> writes)
        {
            using var transaction = (OneStatementTransaction)connection.CreateWriteTransaction();
            writes(transaction);
            transaction.Also(value => $"INSERT INTO own_writes (note) VALUES ({value(new NpgsqlParameter { Value = note })})");
            transaction.Commit();
        }

        var (_, together) = Statements(() =>
        {
            Commit("with the state", t => t.SetJobState(jobId, new RunningState()));
            return 0;
        });
        Commit("before the library's commit", t => t.AddToSet("own", "x"));
        var failing = () => Commit("with a failing state", t => t.IncrementCounter(null!));

        together.Should().ContainSingle("the write goes into the state's statement: {0}", string.Join(" | ", together));
        failing.Should().Throw<PostgresException>();
        await using var read = new NpgsqlConnection(database);
        await read.OpenAsync();
        await using var notes = new NpgsqlCommand("SELECT string_agg(note, ', ' ORDER BY note) FROM own_writes", read);
        (await notes.ExecuteScalarAsync()).Should().Be("before the library's commit, with the state");
        (await RowsAsync(database)).Should().Contain([$"job {jobId}: Running, expires never, state Running", "set own x"]);
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

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_failed_state_quoting_text_PostgreSQL_cannot_store_is_written_with_replacement_characters(bool libraryCommit)
    {
        var (ours, database) = await StorageAsync(library: false);
        var client = new BackgroundJobClient(ours);
        var jobId = client.Create(() => TestJobs.Fails(), new ScheduledState(TimeSpan.FromDays(1)));
        var failed = new FailedState(new InvalidOperationException("row 3: 'a\0b' and '\uD800'")) { Reason = "quoted \0" };
        using var connection = ours.GetConnection();

        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetJobState(jobId, failed);
            if (libraryCommit)
            {
                transaction.AddToSet("failed", jobId);
            }

            transaction.Commit();
        }

        (await RowsAsync(database)).Should().Contain(
            $"state {jobId}: Failed (quoted \uFFFD) {{\"ExceptionType\": \"System.InvalidOperationException\", \"ExceptionMessage\": \"row 3: 'a\uFFFDb' and '\uFFFD'\"}}");
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

        ours.Except([$"{nameof(OneStatementTransaction.Also)}(Func`2)"]).Should().BeEquivalentTo(library);
    }

    /// <summary>Jobs of this test; a job that fails is not retried, so that its Failed state is the last one.</summary>
    public static class TestJobs
    {
        [AutomaticRetry(Attempts = 0)]
        public static void Fails()
        {
        }
    }

    /// <summary>A state written as Hangfire's Processing is (no handler, not final), whose constructor is internal to Hangfire.</summary>
    private sealed class RunningState : IState
    {
        public string Name => "Running";

        public string Reason => "as Processing";

        public bool IsFinal => false;

        public bool IgnoreJobLoadException => false;

        public Dictionary<string, string> SerializeData() => new() { ["ServerId"] = "server-1" };
    }

    /// <summary>A job's life through <paramref name="storage"/>, with the number of writing statements each part sent.</summary>
    private static Dictionary<string, int> Life(JobStorage storage)
    {
        var client = new BackgroundJobClient(storage);
        var writes = new Dictionary<string, int>();
        T Count<T>(string part, Func<T> action)
        {
            var (result, statements) = Statements(action);
            writes[part] = statements.Count(s => s.Contains("INSERT", StringComparison.Ordinal) || s.Contains("UPDATE", StringComparison.Ordinal) || s.Contains("DELETE", StringComparison.Ordinal));
            return result;
        }

        var done = Count("create and enqueue", () => client.Create(() => Console.WriteLine("done"), new EnqueuedState()));
        Count("processing", () => client.ChangeState(done, new RunningState()));
        Count("succeeded", () => client.ChangeState(done, new SucceededState("result", 1, 2)));
        var later = client.Create(() => Console.WriteLine("later"), new ScheduledState(TimeSpan.FromDays(1)));
        Count("delete a scheduled job", () => client.ChangeState(later, new DeletedState()));
        var failed = Count("create in another queue", () => client.Create(() => TestJobs.Fails(), new EnqueuedState("other")));
        Count("failed", () => client.ChangeState(failed, new FailedState(new InvalidOperationException("boom")) { Reason = "it broke" }));
        var twice = client.Create(() => Console.WriteLine("twice"), new ScheduledState(TimeSpan.FromDays(1)));
        using var connection = storage.GetConnection();
        Count("two states of one job", () =>
        {
            using var transaction = connection.CreateWriteTransaction();
            transaction.SetJobState(twice, new RunningState());
            transaction.SetJobState(twice, new SucceededState(null, 0, 0));
            transaction.Commit();
            return 0;
        });
        Count("counters and expiries", () =>
        {
            using var transaction = connection.CreateWriteTransaction();
            transaction.IncrementCounter("stats:custom", TimeSpan.FromHours(1));
            transaction.DecrementCounter("stats:custom");
            transaction.ExpireJob(failed, TimeSpan.FromMinutes(30));
            transaction.PersistJob(failed);
            transaction.ExpireJob(later, TimeSpan.FromMinutes(10));
            transaction.Commit();
            return 0;
        });
        return writes;
    }

    /// <summary>What <paramref name="action"/> returned, and the text of each statement it sent, as Npgsql traces them.</summary>
    private static (T Result, List<string> Statements) Statements<T>(Func<T> action)
    {
        using var source = new ActivitySource(nameof(OneStatementTransactionTests));
        var statements = new List<string>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = s => s.Name is "Npgsql" || s == source,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(listener);
        T result;
        using (var test = source.StartActivity("test")!)
        {
            // Only this test's statements: they run in its activity, whatever else runs in the process.
            listener.ActivityStopped = a =>
            {
                if (a.TraceId == test.TraceId && a != test)
                {
                    lock (statements)
                    {
                        statements.Add(a.GetTagItem("db.query.text") as string ?? a.DisplayName);
                    }
                }
            };
            result = action();
        }

        return (result, statements);
    }

    /// <summary>A queue of another kind, which only counts what it is given.</summary>
    private sealed class RecordingQueue : IPersistentJobQueue, IPersistentJobQueueProvider
    {
        public List<string> Queued { get; } = [];

        public IPersistentJobQueue GetJobQueue() => this;

        public IPersistentJobQueueMonitoringApi GetJobQueueMonitoringApi() => throw new NotSupportedException();

        public IFetchedJob Dequeue(string[] queues, CancellationToken cancellationToken) => throw new NotSupportedException();

        public void Enqueue(IDbConnection connection, string queue, string jobId) => Queued.Add(jobId);
    }

    private static string Signature(MethodInfo method) => $"{method.Name}({string.Join(", ", method.GetParameters().Select(p => p.ParameterType.Name))})";

    private static async Task<(JobStorage Storage, string Database)> StorageAsync(bool library, string settings = "")
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync(library ? "library_tx" : "one_statement") + (settings.Length > 0 ? ";" + settings : "");
        if (library)
        {
            return (new PostgreSqlStorage(new NpgsqlConnectionFactory(database, Options), Options), database);
        }

        var storage = new SchedulerPostgreSqlStorage(database, Options);
        storage.QueueProviders.Add(new NotifiedJobQueue(storage, Options, database, listener: null), ["default"]);
        return (storage, database);
    }

    /// <summary>Every row of the tables a write transaction writes, without what differs from run to run (times, ids of states, stack traces).</summary>
    private static async Task<List<string>> RowsAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        const string Expiry = "coalesce('in ' || round(extract(epoch FROM expireat - now()) / 60) || ' min', 'never')";
        const string Schema = StorageSetup.HangfireSchema;
        const string Times = "ARRAY['EnqueuedAt', 'StartedAt', 'SucceededAt', 'FailedAt', 'DeletedAt', 'ScheduledAt', 'EnqueueAt', 'Latency', 'PerformanceDuration', 'ExceptionDetails']";
        await using var command = new NpgsqlCommand($"""
            SELECT 'job ' || id || ': ' || statename || ', expires ' || {Expiry} || ', state ' || (SELECT name FROM {Schema}.state s WHERE s.id = j.stateid) FROM {Schema}.job j
            UNION ALL SELECT 'state ' || jobid || ': ' || name || ' (' || coalesce(reason, '') || ') ' || (data - {Times})::text
                || CASE WHEN abs(extract(epoch FROM createdat - now())) < 60 THEN '' ELSE ', created ' || createdat END
              FROM {Schema}.state
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

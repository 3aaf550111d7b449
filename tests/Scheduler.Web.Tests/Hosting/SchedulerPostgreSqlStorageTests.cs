using System.Diagnostics;
using Hangfire;
using Hangfire.Logging;
using Hangfire.PostgreSql;
using Hangfire.States;
using Hangfire.Storage;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>
/// The service's Hangfire storage reads a job with all its parameters in one go, its details and statistics as the
/// library does, in one statement each, and its distributed locks are PostgreSQL session locks: exclusive across
/// connections, re-entrant on one, and gone with a holder that died.
/// </summary>
public sealed class SchedulerPostgreSqlStorageTests : IAsyncLifetime
{
    private string _database = "";
    private SchedulerPostgreSqlStorage _storage = null!;

    public async Task InitializeAsync()
    {
        // No service runs here: Hangfire's process-wide log provider would be the one of an earlier test's host, disposed.
        LogProvider.SetCurrentLogProvider(null);
        _database = await PostgresServer.Shared.CreateDatabaseAsync("storage");
        _storage = new SchedulerPostgreSqlStorage(_database, new PostgreSqlStorageOptions { SchemaName = StorageSetup.HangfireSchema, PrepareSchemaIfNecessary = true });
    }

    public Task DisposeAsync()
    {
        NpgsqlConnection.ClearPool(new NpgsqlConnection(_database));
        return Task.CompletedTask;
    }

    [Fact]
    public void A_job_is_read_with_a_snapshot_of_all_its_parameters()
    {
        var client = new BackgroundJobClient(_storage);
        var jobId = client.Create(() => Console.WriteLine("x"), new ScheduledState(TimeSpan.FromDays(1)));
        using var connection = _storage.GetConnection();
        connection.SetJobParameter(jobId, "Scheduler.TriggeredBy", "\"operator\"");
        connection.SetJobParameter(jobId, "Empty", null);

        var job = connection.GetJobData(jobId);

        job.Should().NotBeNull();
        job!.State.Should().Be(ScheduledState.StateName);
        job.Job.Method.Name.Should().Be(nameof(Console.WriteLine));
        job.LoadException.Should().BeNull();
        job.ParametersSnapshot.Should().Contain("Scheduler.TriggeredBy", "\"operator\"").And.ContainKey("Empty").And.ContainKey("CurrentCulture");
        connection.GetJobData("987654321").Should().BeNull();
    }

    [Fact]
    public async Task A_job_is_created_with_its_parameters_and_expiry_in_one_go()
    {
        using var connection = _storage.GetConnection();
        var createdAt = new DateTime(2026, 12, 1, 10, 0, 0, DateTimeKind.Utc);

        var jobId = connection.CreateExpiredJob(
            Hangfire.Common.Job.FromExpression(() => Console.WriteLine("x")),
            new Dictionary<string, string> { ["Scheduler.RetryOf"] = "\"41\"", ["Nothing"] = null! },
            createdAt,
            TimeSpan.FromHours(1));

        var job = connection.GetJobData(jobId)!;
        job.State.Should().BeNull("a job just created has no state until Hangfire gives it one");
        job.CreatedAt.Should().Be(createdAt);
        job.Job.Args.Should().Equal("x");
        job.ParametersSnapshot.Should().HaveCount(2).And.Contain("Scheduler.RetryOf", "\"41\"").And.Contain("Nothing", null!);
        await using var data = new NpgsqlConnection(_database);
        await data.OpenAsync();
        await using var expiry = new NpgsqlCommand($"SELECT expireat - createdat FROM {StorageSetup.HangfireSchema}.job WHERE id = {long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture)}", data);
        (await expiry.ExecuteScalarAsync()).Should().Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public void A_jobs_details_are_read_as_the_library_reads_them()
    {
        var client = new BackgroundJobClient(_storage);
        var jobId = client.Create(() => Console.WriteLine("x"), new ScheduledState(TimeSpan.FromDays(1)));
        client.ChangeState(jobId, new EnqueuedState { Reason = "now" });
        client.ChangeState(jobId, new FailedState(new InvalidOperationException("boom")) { Reason = null });
        using (var connection = _storage.GetConnection())
        {
            connection.SetJobParameter(jobId, "Scheduler.TriggeredBy", "\"operator\"");
            connection.SetJobParameter(jobId, "Empty", null);
        }

        var library = new PostgreSqlMonitoringApi(_storage, _storage.QueueProviders).JobDetails(jobId);
        var details = _storage.GetMonitoringApi().JobDetails(jobId);

        details.Should().NotBeNull();
        details.Should().BeEquivalentTo(library, options => options.Excluding(d => d.Job).WithStrictOrdering());
        details!.History.Select(h => h.StateName).Should().ContainInOrder(FailedState.StateName, EnqueuedState.StateName, ScheduledState.StateName);
        var failed = details.History.First(h => h.StateName == FailedState.StateName);
        failed.Data.Should().ContainKey("ExceptionMessage").WhoseValue.Should().Be("boom");
        failed.Data["exceptionmessage"].Should().Be("boom", "state data keys are read without regard to case, as the library reads them");
        details.Job.Method.Should().BeSameAs(library.Job.Method);
        details.Job.Args.Should().Equal(library.Job.Args);
        _storage.GetMonitoringApi().JobDetails("987654321").Should().BeNull();
        _storage.GetMonitoringApi().JobDetails("not-a-job").Should().BeNull("an id from a URL is not always a number");
    }

    [Fact]
    public void The_dashboards_statistics_are_counted_as_the_library_counts_them()
    {
        var client = new BackgroundJobClient(_storage);
        client.Create(() => Console.WriteLine("queued"), new EnqueuedState());
        client.Create(() => Console.WriteLine("later"), new ScheduledState(TimeSpan.FromDays(1)));
        client.Create(() => Console.WriteLine("failed"), new FailedState(new InvalidOperationException("boom")));
        var succeeded = client.Create(() => Console.WriteLine("done"), new EnqueuedState("other"));
        client.ChangeState(succeeded, new SucceededState(null, 1, 1));
        client.ChangeState(client.Create(() => Console.WriteLine("gone"), new EnqueuedState()), new DeletedState());
        new RecurringJobManager(_storage).AddOrUpdate("every-day", () => Console.WriteLine("daily"), Cron.Daily());

        var library = new PostgreSqlMonitoringApi(_storage, _storage.QueueProviders).GetStatistics();
        var statistics = _storage.GetMonitoringApi().GetStatistics();

        statistics.Should().BeEquivalentTo(library);
        statistics.Should().BeEquivalentTo(new { Enqueued = 1, Succeeded = 1, Deleted = 1, Recurring = 1, Queues = 2 });
    }

    [Fact]
    public void A_lock_held_on_one_connection_makes_another_wait_and_time_out_with_Hangfires_exception()
    {
        using var holder = _storage.GetConnection();
        using var other = _storage.GetConnection();
        using var held = holder.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(5));

        var clock = Stopwatch.StartNew();
        var waiting = () => other.AcquireDistributedLock("resource-a", TimeSpan.FromMilliseconds(300));

        waiting.Should().Throw<DistributedLockTimeoutException>().Which.Resource.Should().Contain("resource-a");
        clock.Elapsed.Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(250), "the other waits out its timeout");
        using var unrelated = other.AcquireDistributedLock("resource-b", TimeSpan.FromSeconds(1));
    }

    [Fact]
    public async Task A_released_lock_is_taken_by_the_waiting_connection()
    {
        using var holder = _storage.GetConnection();
        using var other = _storage.GetConnection();
        var held = holder.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(5));

        var waiting = Task.Run(() => other.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(20)));
        await Task.Delay(300);
        waiting.IsCompleted.Should().BeFalse("the lock is held");
        held.Dispose();

        using var taken = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public void A_lock_is_reentrant_on_its_connection_and_free_only_after_the_outermost_release()
    {
        using var holder = _storage.GetConnection();
        using var other = _storage.GetConnection();
        var outer = holder.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(1));
        var inner = holder.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(1));

        inner.Dispose();
        inner.Dispose();
        var stillHeld = () => other.AcquireDistributedLock("resource-a", TimeSpan.FromMilliseconds(200));
        stillHeld.Should().Throw<DistributedLockTimeoutException>("the outer hold remains");

        outer.Dispose();
        using var taken = other.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(1));
    }

    [Theory]
    [InlineData(0, 1)]
    [InlineData(-5, 1)]
    [InlineData(1500, 1500)]
    [InlineData(int.MaxValue * 10L, int.MaxValue)]
    public void A_lock_waits_at_least_a_millisecond_and_at_most_what_PostgreSQL_accepts(long milliseconds, long waited)
    {
        SessionLock.WaitMilliseconds(TimeSpan.FromMilliseconds(milliseconds)).Should().Be(waited);
    }

    [Fact]
    public void A_lock_with_a_very_long_timeout_is_taken()
    {
        using var holder = _storage.GetConnection();

        var acquire = () => holder.AcquireDistributedLock("resource-a", TimeSpan.FromDays(365));

        using var held = acquire.Should().NotThrow("a year is more than PostgreSQL's lock_timeout takes, and is clamped").Subject;
    }

    [Fact]
    public async Task A_lock_whose_holder_died_is_free_at_once()
    {
        var holder = _storage.GetConnection();
        holder.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(1));

        // As a killed process's connection ends: the server ends the session that holds the lock.
        await using (var admin = new NpgsqlConnection(_database))
        {
            await admin.OpenAsync();
            await using var terminate = new NpgsqlCommand(
                "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())", admin);
            (await terminate.ExecuteScalarAsync()).Should().Be(true);
        }

        using var other = _storage.GetConnection();
        using var taken = other.AcquireDistributedLock("resource-a", TimeSpan.FromSeconds(2));
        var release = () => holder.Dispose();
        release.Should().NotThrow("what the lock guarded is done, and the lock went with its session");
    }
}

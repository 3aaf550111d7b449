using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>The node's one listener for enqueued jobs: one notification wakes one waiting worker, not all of them.</summary>
public sealed class QueueListenerTests
{
    [Fact]
    public async Task One_notification_wakes_exactly_one_waiting_worker()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("listener");
        using var listener = new QueueListener(database, NullLogger<QueueListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            // Listening starts with one wake-up, for what was enqueued while nobody listened.
            listener.WaitForJob(TimeSpan.FromMinutes(1), CancellationToken.None).Should().BeTrue("the listener wakes a worker once it listens");
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using (var notify = new NpgsqlCommand($"NOTIFY {NotifiedJobQueue.Channel}", connection))
            {
                await notify.ExecuteNonQueryAsync();
            }

            var first = listener.WaitForJob(TimeSpan.FromMinutes(1), CancellationToken.None);
            var second = listener.WaitForJob(TimeSpan.FromMilliseconds(300), CancellationToken.None);

            first.Should().BeTrue("the enqueue's notification wakes a worker");
            second.Should().BeFalse("one job wakes one worker; the others keep waiting");
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task The_listener_listens_again_after_its_connection_is_terminated_as_a_database_restart_does()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("relisten");
        using var listener = new QueueListener(database, NullLogger<QueueListener>.Instance);
        await listener.StartAsync(CancellationToken.None);
        try
        {
            listener.WaitForJob(TimeSpan.FromMinutes(1), CancellationToken.None).Should().BeTrue("the listener wakes a worker once it listens");

            // What pg_ctl restart -m fast does to every backend: 57P01 "terminating connection due to administrator command".
            (await TerminateListenerAsync(database)).Should().Be(1, "the listener has one connection");

            // Listening again starts with a wake-up, for what was enqueued while nobody listened.
            listener.WaitForJob(TimeSpan.FromMinutes(1), CancellationToken.None).Should().BeTrue("the listener listens again and wakes a worker for what it missed");
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using (var notify = new NpgsqlCommand($"NOTIFY {NotifiedJobQueue.Channel}", connection))
            {
                await notify.ExecuteNonQueryAsync();
            }

            listener.WaitForJob(TimeSpan.FromMinutes(1), CancellationToken.None).Should().BeTrue("an enqueue after the restart wakes a worker");
        }
        finally
        {
            await listener.StopAsync(CancellationToken.None);
        }
    }

    private static async Task<long> TerminateListenerAsync(string database)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        // Materialized first: in one WHERE the server may call pg_terminate_backend before the other conditions.
        await using var terminate = new NpgsqlCommand($"""
            WITH listeners AS MATERIALIZED (
                SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND query = 'LISTEN {NotifiedJobQueue.Channel}')
            SELECT count(*) FROM listeners WHERE pg_terminate_backend(pid)
            """, connection);
        return (long)(await terminate.ExecuteScalarAsync())!;
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Tests;

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
}

using Npgsql;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Bounds how long a queued job waits for a free worker when the LISTEN/NOTIFY wake-up fails, so that a job never
/// depends on some later, unrelated enqueue to start.
/// </summary>
/// <remarks>
/// The service dequeues through <see cref="NotifiedJobQueue"/>, whose one listener per node is never cancelled while
/// the node runs; the failures below are those of the library's own long polling, which it replaces, and the reason
/// why the poll stays short and Hangfire's connections keep a keepalive.
/// Hangfire.PostgreSql 1.21.1 (<c>PostgreSqlJobQueue.Dequeue</c>) with long polling can miss a job in two ways.
/// <para>A worker that found nothing waits for <c>NOTIFY new_job</c> or for <c>QueuePollInterval</c>, whichever comes
/// first; a NOTIFY sent before its new listening connection has run <c>LISTEN</c> is lost, and the job waits for the
/// poll (15 s by default).</para>
/// <para>Worse, every <c>Dequeue</c> starts a listener, and after it has claimed a job it cancels that listener and
/// blocks on it (<c>listenTask.Wait()</c>) before returning the job. Npgsql 10.0.3's <c>WaitAsync</c> can lose that
/// cancellation: when the token fires after <c>NpgsqlConnector.Wait</c>'s last check but before the read starts, the
/// read buffer replaces the cancelled token source with a fresh one (<c>ResettableCancellationTokenSource.Reset</c>/
/// <c>Start</c>) and, without a keepalive, reads with no timeout (compare npgsql/npgsql#5975). The worker then holds
/// its claimed job, still Enqueued (Queued) and kept invisible by the sliding invisibility heartbeat, until any NOTIFY
/// arrives. Under load a job is found at once, so the race is tried once per job.</para>
/// <para>With Npgsql's <c>Keepalive</c> that read has a timeout: when it expires, the wait ends with the cancellation
/// it had lost (or sends a keepalive and checks the token). Measured on PostgreSQL 15 with 20,000 listeners cancelled
/// just after <c>WaitAsync</c> started: without a keepalive one waited until a NOTIFY came; with 5 s none did, and the
/// slowest ended after 5.0 s. The poll interval is not a cure for this second case: it only bounds the wait between
/// two dequeue queries, not the wait for the listener.</para>
/// </remarks>
internal static class QueueWakeUp
{
    /// <summary>
    /// How long an idle worker waits between two dequeue queries when no NOTIFY wakes it: one indexed
    /// <c>UPDATE ... FOR UPDATE SKIP LOCKED LIMIT 1</c> per idle worker per interval, measured at 0.1 ms and 8 buffer
    /// hits with 2,000 running jobs in the queue table: 20 idle workers cost a node 4 such queries a second.
    /// </summary>
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Npgsql's keepalive for Hangfire's connections, the longest a listener waits after a lost cancellation. Costs one
    /// Sync/ReadyForQuery round trip (no query) per idle connection per interval.
    /// </summary>
    public const int KeepAliveSeconds = 5;

    /// <summary>Hangfire's connection string: <paramref name="connectionString"/> with a keepalive unless it sets its own.</summary>
    public static string WithKeepAlive(string connectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (builder.KeepAlive == 0)
        {
            builder.KeepAlive = KeepAliveSeconds;
        }

        return builder.ConnectionString;
    }
}

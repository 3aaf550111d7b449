using System.Data;
using Hangfire.PostgreSql;
using Hangfire.Storage;
using Npgsql;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Hangfire.PostgreSql's job queue with one wake-up per enqueued job instead of one per idle worker: an enqueue sends
/// <c>NOTIFY</c> as the library's does, but each node listens on one connection (<see cref="QueueListener"/>) and wakes
/// exactly one waiting worker per notification.
/// </summary>
/// <remarks>
/// The library (1.21.1, <c>PostgreSqlJobQueue.Dequeue</c> with long polling) opens a listening connection and runs
/// <c>LISTEN</c> for every dequeue, and every notification wakes every idle worker of every node: with 10 workers on
/// each of 2 nodes, one job costs 20 dequeue transactions (3 round trips each) and 20 new <c>LISTEN</c>s, and the worker
/// that wins then waits for its listener's cancellation (<c>listenTask.Wait()</c>, where a lost cancellation once held a
/// job for minutes: see <see cref="QueueWakeUp"/>). On 2 cores that herd was most of the time between a job's
/// creation and a worker starting it. Here a dequeue is one statement, the claim the library makes (same query, same
/// order, same invisibility rule) without its surrounding transaction; the fetched job is the library's own, so
/// removal, requeue and the sliding invisibility heartbeat are unchanged.
/// </remarks>
internal sealed class NotifiedJobQueue(PostgreSqlStorage storage, PostgreSqlStorageOptions options, string connectionString, QueueListener? listener)
    : IPersistentJobQueue, IPersistentJobQueueProvider
{
    /// <summary>The channel the library's enqueue notifies too, so that nodes of either kind wake each other.</summary>
    public const string Channel = "new_job";

    private readonly IPersistentJobQueueMonitoringApi _monitoring = storage.QueueProviders.GetProvider("default").GetJobQueueMonitoringApi();

    private string Schema => options.SchemaName;

    public IPersistentJobQueue GetJobQueue() => this;

    public IPersistentJobQueueMonitoringApi GetJobQueueMonitoringApi() => _monitoring;

    /// <summary>What wakes a waiting worker of any node once the statement that queued a job commits.</summary>
    public const string WakeUp = $"pg_notify('{Channel}', '')";

    /// <summary>The insert of a queue row, with the SQL expressions of its job id and queue name.</summary>
    public static string QueueRow(string schema, string jobId, string queue) =>
        $"""INSERT INTO "{schema}"."jobqueue" ("jobid", "queue") VALUES ({jobId}, {queue})""";

    /// <summary>How often an idle worker asks again while the database is away.</summary>
    public static readonly TimeSpan OutageRetry = TimeSpan.FromSeconds(2);

    public IFetchedJob Dequeue(string[] queues, CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            PostgreSqlFetchedJob? fetched;
            try
            {
                fetched = TryFetch(queues);
            }
            catch (Exception e) when (InfrastructureFailure.IsDatabaseUnavailable(e))
            {
                // Thrown, this would put the worker to sleep for Hangfire's back-off: 1, 4, 9, ... seconds after each
                // failure, up to 5 minutes, so that after a long outage idle workers would go on sleeping long after
                // the database came back. Asking every OutageRetry keeps them within that of its return.
                cancellationToken.WaitHandle.WaitOne(OutageRetry);
                continue;
            }

            if (fetched is not null)
            {
                return fetched;
            }

            // A notification that came between the query and this wait is counted, not lost. A process without a
            // listener runs no Hangfire server and does not get here; the poll would find its jobs all the same.
            if (listener is null)
            {
                cancellationToken.WaitHandle.WaitOne(QueueWakeUp.PollInterval);
            }
            else
            {
                listener.WaitForJob(QueueWakeUp.PollInterval, cancellationToken);
            }
        }
    }

    public void Enqueue(IDbConnection connection, string queue, string jobId)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();

        // One statement (pg_notify is NOTIFY, sent at commit too): Npgsql writes the second statement of a synchronous
        // command on the thread pool, so "INSERT ...; NOTIFY ..." made the thread that creates a job, a pool thread for
        // a run request, wait for another. A burst of 40 requests starved the pool and took 32 s.
        command.CommandText = $"WITH queued AS ({QueueRow(Schema, "@jobId", "@queue")}) SELECT {WakeUp}";
        command.Parameters.Add(new NpgsqlParameter("jobId", long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture)));
        command.Parameters.Add(new NpgsqlParameter("queue", queue));
        command.ExecuteNonQuery();
    }

    private PostgreSqlFetchedJob? TryFetch(string[] queues)
    {
        var invisible = (long)options.InvisibilityTimeout.TotalSeconds;
        // The pool the library's own connections come from (same connection string).
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"""
            UPDATE "{Schema}"."jobqueue" SET "fetchedat" = NOW()
            WHERE "id" = (
                SELECT "id" FROM "{Schema}"."jobqueue"
                WHERE "queue" = ANY ($1) AND ("fetchedat" IS NULL OR "fetchedat" < NOW() - make_interval(secs => $2))
                ORDER BY "fetchedat" NULLS FIRST, "queue", "jobid"
                FOR UPDATE SKIP LOCKED
                LIMIT 1)
            RETURNING "id", "jobid", "queue", "fetchedat"
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = queues });
        command.Parameters.Add(new NpgsqlParameter { Value = (double)invisible });
        using var reader = command.ExecuteReader();
        return reader.Read()
            ? new PostgreSqlFetchedJob(
                storage,
                reader.GetInt64(0),
                reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture),
                reader.GetString(2),
                reader.GetDateTime(3))
            : null;
    }
}

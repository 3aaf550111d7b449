using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Jobs;

/// <summary>
/// A running job whose worker stopped heart-beating: the node that had it, when it was last heard of, and when the
/// queue will hand the job to another worker (which resumes it from the step that did not finish).
/// </summary>
internal sealed record JobInterruption(string? Node, DateTimeOffset LastHeartbeatAt, DateTimeOffset ExpectedRedeliveryAt);

/// <summary>
/// Tells whether the worker holding a job is still alive, from the job's own heartbeat in the queue: while a worker
/// runs a job, Hangfire.PostgreSql moves the queue row's <c>fetchedat</c> forward every fifth of the invisibility
/// timeout, and hands the job to another worker once <c>fetchedat</c> is a whole invisibility timeout old. The
/// server's own heartbeat would say the same thing later (every 30 s, judged after minutes). With in-memory storage
/// there is one process and nothing to tell.
/// </summary>
internal sealed class JobHeartbeats(IServiceProvider services, IOptions<SchedulerOptions> options)
{
    // Two missed beats: one may be late on a busy machine or a slow database.
    private const int MissedBeats = 2;

    public async Task<JobInterruption?> FindInterruptionAsync(string jobId, string? node, CancellationToken cancellationToken)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } database || !long.TryParse(jobId, out var id))
        {
            return null;
        }

        // Both times from the database's clock, so a node's clock skew cannot make a live worker look dead.
        await using var command = database.CreateCommand(
            $"SELECT fetchedat, now() FROM {StorageSetup.HangfireSchema}.jobqueue WHERE jobid = $1 AND fetchedat IS NOT NULL ORDER BY fetchedat DESC LIMIT 1");
        command.Parameters.Add(new() { Value = id });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var heartbeat = reader.GetFieldValue<DateTimeOffset>(0);
        var now = reader.GetFieldValue<DateTimeOffset>(1);
        var invisibility = options.Value.InvisibilityTimeout;
        return now - heartbeat > invisibility / 5 * MissedBeats ? new(node, heartbeat, heartbeat + invisibility) : null;
    }
}

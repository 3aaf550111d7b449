using Hangfire;
using Hangfire.States;
using Npgsql;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// Brings job records in line with the queue after what <see cref="JobRecordFilter"/> could not see: a node or the
/// database that went away mid-job. Every node runs it, at start and then every minute (every 15 s for job rows left
/// with no state); each repair is idempotent (it
/// ends only a record still open), so nodes running it at once do no harm. A record still open is ended when its
/// Hangfire job has ended (Failed, Succeeded, or Deleted for longer than a cancel takes) or no longer exists. A
/// workflow job row that a crash left with no state at all never runs and has no record: it is marked Failed in both,
/// visibly, rather than run, because whoever asked for it was told the request failed and has likely asked again.
/// Unless its request's <c>Idempotency-Key</c> leads to it (the crash came after its record, written with the key):
/// then asking again answers with this very job and makes no other, so it is queued to run.
/// </summary>
internal sealed partial class JobReconciler(
    IJobRunStore runs,
    IIdempotencyKeys keys,
    JobStorage storage,
    IServiceProvider services,
    TimeProvider time,
    ILogger<JobReconciler> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    // Younger records may still be on their way (a job being created, a cancel being carried out).
    private static readonly TimeSpan Grace = TimeSpan.FromMinutes(1);

    // A job row left with no state is looked for more often and sooner: it is a job a client was promised (its retry
    // with the key answers with it) that does not run until this pass queues it, and a database restart during the
    // creation leaves one (the chaos run's slowest job waited 87 s for the one-minute pass). Its creator sets the first
    // state within the same request, in one transaction of a few statements, each bounded by the command timeout.
    private static readonly TimeSpan StatelessInterval = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StatelessGrace = TimeSpan.FromSeconds(30);

    // A pass does at most this much, oldest first; the next pass goes on.
    private const int Batch = 200;

    // Nodes reconciling at once decide each job row left with no state once: running it twice would be worse than late.
    private static readonly TimeSpan StatelessJobLock = TimeSpan.FromSeconds(5);

    // The database may be the very thing that is away: the next pass tries again.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Task.WhenAll(
        PeriodicPass.RunAsync(Interval, time, atStart: true, ReconcileRecordsAsync, exception => LogPassFailed(logger, exception), stoppingToken),
        PeriodicPass.RunAsync(StatelessInterval, time, atStart: true, ReconcileStatelessJobsAsync, exception => LogPassFailed(logger, exception), stoppingToken));

    /// <summary>One pass of both kinds: repairs what it finds and returns how many records it ended or jobs it queued.</summary>
    public async Task<int> ReconcileAsync(CancellationToken cancellationToken) =>
        await ReconcileRecordsAsync(cancellationToken) + await ReconcileStatelessJobsAsync(cancellationToken);

    private async Task<int> ReconcileStatelessJobsAsync(CancellationToken cancellationToken) =>
        services.GetService<NpgsqlDataSource>() is { } database ? await FailStatelessJobsAsync(database, time.GetUtcNow(), cancellationToken) : 0;

    private async Task<int> ReconcileRecordsAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var repaired = 0;
        foreach (var run in await runs.ListOpenAsync(now - Grace, Batch, cancellationToken))
        {
            try
            {
                if (Judge(run, now) is { } end && await runs.EndIfOpenAsync(run.JobId, end.Status, now, end.Error, cancellationToken))
                {
                    LogRepaired(logger, run.JobId, run.Status, end.Status, end.Error);
                    repaired++;
                }
            }
            catch (Exception exception) when (exception is not OperationCanceledException && !InfrastructureFailure.IsDatabaseUnavailable(exception))
            {
                // One job the queue cannot answer for must not keep the pass from the others.
                LogJobNotJudged(logger, run.JobId, exception);
            }
        }

        return repaired;
    }

    private QueueEnd? Judge(JobRun run, DateTimeOffset now)
    {
        using var connection = storage.GetConnection();
        if (connection.GetJobData(run.JobId) is null)
        {
            return new(RunStatus.Failed, "the queue no longer has this job (it expired or was removed); it will not run");
        }

        if (connection.GetStateData(run.JobId) is not { } state)
        {
            return null;
        }

        var end = QueueEnd.Of(state.Name, state.Data);

        // A running job deleted by a cancel ends as its engine records, within seconds; only a job whose worker went
        // away with it stays open longer.
        return end is { Status: RunStatus.Cancelled }
            && run.Status is RunStatus.Running or RunStatus.Cancelling
            && QueueEnd.DeletedAt(state.Data) is { } deletedAt
            && now - deletedAt < Grace
            ? null
            : end;
    }

    private async Task<int> FailStatelessJobsAsync(NpgsqlDataSource database, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ids = new List<string>();
        await using (var command = database.CreateCommand(
            $"SELECT id::text FROM {StorageSetup.HangfireSchema}.job WHERE stateid IS NULL AND createdat < $1 ORDER BY id LIMIT $2"))
        {
            command.Parameters.Add(new() { Value = (now - StatelessGrace).UtcDateTime });
            command.Parameters.Add(new() { Value = Batch });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                ids.Add(reader.GetString(0));
            }
        }

        var failed = 0;
        foreach (var id in ids)
        {
            try
            {
                failed += await DecideStatelessJobAsync(id, now, cancellationToken) ? 1 : 0;
            }
            catch (Exception exception) when (exception is not OperationCanceledException && !InfrastructureFailure.IsDatabaseUnavailable(exception))
            {
                // Oldest first: one job that cannot be decided would otherwise keep every later one from being queued.
                LogStatelessNotDecided(logger, id, exception);
            }
        }

        return failed;
    }

    /// <summary>Queues the job row left with no state, or fails it; true when it was failed.</summary>
    private async Task<bool> DecideStatelessJobAsync(string id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        using var connection = storage.GetConnection();
        using var decision = connection.AcquireDistributedLock($"scheduler:stateless-job:{id}", StatelessJobLock);
        if (connection.GetJobData(id) is not { State: null } data || !WorkflowJob.TryRead(data.Job, out var workflow, out var parameters))
        {
            return false;
        }

        var keyJob = JobTrigger.IdempotencyKeyOf(connection, id) is { } key ? (await keys.FindAsync(key, cancellationToken))?.JobId : null;
        if (keyJob == id)
        {
            using var enqueue = connection.CreateWriteTransaction();
            var enqueued = new EnqueuedState { Reason = "the service stopped while it was creating this job; its Idempotency-Key leads to it, so it runs" };
            enqueue.SetJobState(id, enqueued);
            enqueue.AddToQueue(enqueued.Queue, id);
            enqueue.PersistJob(id);
            enqueue.Commit();
            LogStatelessEnqueued(logger, id, workflow);
            return false;
        }

        var reason = keyJob is null
            ? "the service stopped while it was creating this job, which never ran; ask for it again if it is still wanted"
            : $"its request was so slow that a later one with its Idempotency-Key took the key over and made job {keyJob}; this one never ran";
        await runs.CreateAsync(
            new JobRun(id, workflow, RunStatus.Queued, new DateTimeOffset(DateTime.SpecifyKind(data.CreatedAt, DateTimeKind.Utc)), null, null, parameters, null, []),
            cancellationToken);

        // Straight into the storage: Hangfire's state changer leaves a job with no state as it is.
        using (var transaction = connection.CreateWriteTransaction())
        {
            transaction.SetJobState(id, new FailedState(new JobNeverQueuedException(reason)) { Reason = reason });
            transaction.PersistJob(id);
            transaction.Commit();
        }

        await runs.EndIfOpenAsync(id, RunStatus.Failed, now, reason, cancellationToken);
        LogStatelessFailed(logger, id, workflow);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: job {JobId} was left {Was} in its record; the record now says {Status}: {Error}")]
    private static partial void LogRepaired(ILogger logger, string jobId, RunStatus was, RunStatus status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: job {JobId} of workflow {Workflow} was left with no state by a crash while it was being created; it is marked Failed and will not run")]
    private static partial void LogStatelessFailed(ILogger logger, string jobId, string workflow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: job {JobId} of workflow {Workflow} was left with no state by a crash after its record and Idempotency-Key were written; it is queued to run")]
    private static partial void LogStatelessEnqueued(ILogger logger, string jobId, string workflow);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: job {JobId} could not be compared with the queue")]
    private static partial void LogJobNotJudged(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: job {JobId}, left with no state, could not be queued or failed; the next pass tries again")]
    private static partial void LogStatelessNotDecided(ILogger logger, string jobId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reconciler: a pass failed; the next one tries again")]
    private static partial void LogPassFailed(ILogger logger, Exception exception);
}

/// <summary>Why a job row that a crash left with no state was failed instead of run.</summary>
internal sealed class JobNeverQueuedException : Exception
{
    public JobNeverQueuedException(string message)
        : base(message)
    {
    }

    public JobNeverQueuedException()
    {
    }

    public JobNeverQueuedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

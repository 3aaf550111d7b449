using Hangfire.Common;
using Hangfire.States;
using Hangfire.Storage;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// Writes a workflow job's own record the moment Hangfire creates the job, whoever creates it: a run request, a
/// schedule's cron, a trigger, the dashboard. Its status can then be asked for while it still waits in the queue.
/// The record is written while Hangfire elects the job's first state, or, for a job enqueued on PostgreSQL, in the
/// statement that commits that state (<see cref="OneStatementTransaction.Also"/>): either way before any worker can
/// start the job, so its <c>createdAt</c> always comes before its <c>startedAt</c>. It is written once,
/// whole: the workflow version this node's catalog has, and the retried job that the creator gave as a job parameter.
/// When Hangfire ends a job whose record is still open (the worker lost its database before it could record the end,
/// the job was deleted in the queue), the record is ended the same way, with Hangfire's reason as its error; a
/// repair that fails here is left to <see cref="JobReconciler"/>. For a job that succeeded, on PostgreSQL, the repair is
/// part of the Succeeded state's statement and shares its fate: it fails only with that statement, which leaves the
/// job to be delivered again, as any failure of that commit does. A job asked for with an <c>Idempotency-Key</c> has its
/// key completed in the same write as its record, so that a retry after a crash always finds the job.
/// </summary>
internal sealed partial class JobRecordFilter(IJobRunStore runs, WorkflowCatalog workflows, TimeProvider time, ILogger<JobRecordFilter> logger)
    : IElectStateFilter, IApplyStateFilter
{
    /// <summary>
    /// A job whose engine recorded it Completed and that then failed (its outputs or the queue's bookkeeping could not
    /// be written) did its work: it ends Succeeded, as its record says, instead of inviting a retry that repeats it.
    /// </summary>
    public void OnStateElection(ElectStateContext context)
    {
        if (!WorkflowJob.TryRead(context.BackgroundJob.Job, out var workflow, out var parameters))
        {
            return;
        }

        if (context.CurrentState is null)
        {
            // A job being created. Hangfire's filters are synchronous, and so is the write (see IJobRunStore.Create):
            // an insert-if-absent; a creation that fails leaves a job row without a state, which the reconciler ends
            // with a record of its own. The creation's parameters are in hand (no query).
            var run = new JobRun(context.BackgroundJob.Id, workflow, RunStatus.Queued, time.GetUtcNow(), null, null, parameters, null, [])
            {
                WorkflowVersion = workflows.VersionOf(workflow),
                RetryOf = context.GetJobParameter<string?>(JobTrigger.RetryOfParameter, allowStale: true),
            };
            if (JobTrigger.IdempotencyClaimOf(context) is not { } claim)
            {
                if (context.CandidateState is EnqueuedState && context.Transaction is OneStatementTransaction statement && runs is PostgreSqlJobRunStore)
                {
                    // In the statement that commits the job's Enqueued state: a round trip and a disk flush less on the
                    // way of every run request. The PostgreSQL store keeps the records in Hangfire's own database
                    // (StorageSetup gives both one connection string), which is what lets them share a statement. A
                    // first state that ends the job (a stateless job deleted) keeps the write here, so that
                    // OnStateApplied finds the record to end.
                    statement.Also(parameter => PostgreSqlJobRunStore.CreationInsert(run, parameter));
                }
                else
                {
                    runs.Create(run);
                }
            }
            else if (!runs.CreateClaimed(run, claim.Key, claim.Token))
            {
                // Its request outlasted IdempotencyClaim.PendingLimit and a later one took the key over: only one of
                // them may make a job, and the later one already may have. Failing the creation leaves this job
                // without a state, which never runs (the reconciler marks it Failed).
                throw new IdempotencyClaimLostException(claim.Key);
            }

            return;
        }

        if (context.CandidateState is not FailedState failed)
        {
            return;
        }

        if (Read(context.BackgroundJob.Id) is { Status: RunStatus.Completed, FinishedAt: not null })
        {
            LogCompletedNotFailed(logger, context.BackgroundJob.Id, failed.Exception.Message);
            context.CandidateState = new SucceededState(null, 0, 0) { Reason = $"the workflow had completed before this failure: {failed.Exception.Message}" };
        }
    }

    public void OnStateApplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
        // A job deleted while a worker runs it is being cancelled: its engine records how it ended.
        if (!WorkflowJob.TryRead(context.BackgroundJob.Job, out _, out _)
            || (context.NewState.Name == DeletedState.StateName && context.OldStateName == ProcessingState.StateName)
            || QueueEnd.Of(context.NewState.Name, context.NewState.SerializeData()) is not { } end)
        {
            return;
        }

        if (end.Status == RunStatus.Completed && transaction is OneStatementTransaction statement && runs is PostgreSqlJobRunStore)
        {
            // The engine has ended the record of nearly every job that succeeds, and this update then changes nothing:
            // in the Succeeded state's statement it costs no round trip of its own. It goes unlogged, but the
            // record's error says the job did not record its end.
            var (jobId, finishedAt) = (context.BackgroundJob.Id, time.GetUtcNow());
            statement.Also(parameter => PostgreSqlJobRunStore.EndIfOpenUpdate(jobId, end.Status, finishedAt, end.Error, parameter));
            return;
        }

        try
        {
            if (runs.EndIfOpen(context.BackgroundJob.Id, end.Status, time.GetUtcNow(), end.Error))
            {
                LogEnded(logger, context.BackgroundJob.Id, end.Status, end.Error);
            }
        }
        catch (Exception e)
        {
            LogRepairFailed(logger, context.BackgroundJob.Id, e);
        }
    }

    public void OnStateUnapplied(ApplyStateContext context, IWriteOnlyTransaction transaction)
    {
    }

    private JobRun? Read(string jobId)
    {
        try
        {
#pragma warning disable RS0030 // A job about to fail is elected on a Hangfire worker's own thread, not a pool thread.
            return runs.FindAsync(jobId, CancellationToken.None).GetAwaiter().GetResult();
#pragma warning restore RS0030
        }
        catch (Exception e)
        {
            LogRepairFailed(logger, jobId, e);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} ended in the queue while its record was open: the record now says {Status} ({Error})")]
    private static partial void LogEnded(ILogger logger, string jobId, RunStatus status, string error);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Job {JobId} had completed its workflow when it failed ({Reason}): it ends Succeeded")]
    private static partial void LogCompletedNotFailed(ILogger logger, string jobId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The record of job {JobId} could not be brought in line with the queue; the reconciler will")]
    private static partial void LogRepairFailed(ILogger logger, string jobId, Exception exception);
}

using Hangfire.Client;
using Hangfire.Common;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Writes a workflow job's own record the moment Hangfire creates the job, whoever creates it: a run request, a
/// schedule's cron, a trigger, the dashboard. Its status can then be asked for while it still waits in the queue.
/// </summary>
public sealed class JobRecordFilter(IJobRunStore runs, TimeProvider time) : IClientFilter
{
    public void OnCreating(CreatingContext context)
    {
    }

    public void OnCreated(CreatedContext context)
    {
        if (context.BackgroundJob is not { } job || context.Exception is not null || !WorkflowJob.TryRead(job.Job, out var workflow, out var parameters))
        {
            return;
        }

        // Hangfire's client filters are synchronous; the write is an insert-if-absent, so it never undoes a record
        // that a worker which picked the job up at once has already moved on.
        runs.CreateAsync(new JobRun(job.Id, workflow, RunStatus.Queued, time.GetUtcNow(), null, null, parameters, null, []), CancellationToken.None)
            .GetAwaiter().GetResult();
    }
}

/// <summary>
/// Hangfire's filters plus <see cref="JobRecordFilter"/> and <see cref="JobTelemetryFilter"/>, for the job factory that Hangfire takes from the service
/// container. Kept out of Hangfire's process-wide filter list, which would outlive this container.
/// </summary>
internal sealed class WorkflowJobFilterProvider(JobRecordFilter records, JobTelemetryFilter telemetry) : IJobFilterProvider
{
    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job)
            .Append(new JobFilter(records, JobFilterScope.Global, order: null))
            .Append(new JobFilter(telemetry, JobFilterScope.Global, order: null));
}

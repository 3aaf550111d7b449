using Hangfire.Common;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// Hangfire's filters plus <see cref="InfrastructureRetry"/>, <see cref="JobRecordFilter"/>, <see cref="JobTelemetryFilter"/> and
/// <see cref="IdleMemoryRelease"/>, for the job factory that Hangfire takes from the service
/// container. Kept out of Hangfire's process-wide filter list, which would outlive this container.
/// </summary>
internal sealed class WorkflowJobFilterProvider(JobRecordFilter records, JobTelemetryFilter telemetry, InfrastructureRetry retry, IdleMemoryRelease memory) : IJobFilterProvider
{
    public IEnumerable<JobFilter> GetFilters(Job job) =>
        JobFilterProviders.Providers.GetFilters(job)
            .Append(new JobFilter(retry, JobFilterScope.Global, order: null))
            .Append(new JobFilter(records, JobFilterScope.Global, order: null))
            .Append(new JobFilter(telemetry, JobFilterScope.Global, order: null))
            .Append(new JobFilter(memory, JobFilterScope.Global, order: null));
}

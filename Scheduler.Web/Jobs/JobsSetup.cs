using Hangfire;
using Hangfire.Common;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

internal static class JobsSetup
{
    /// <summary>
    /// Run requests, job queries and control; the Hangfire job that runs a workflow with its filters; and the loops
    /// that keep job records in line with the queue and delete them after the retention. Needs the storage.
    /// </summary>
    public static IServiceCollection AddJobs(this IServiceCollection services)
    {
        services.AddSingleton<JobSecrets>();
        services.AddSingleton<RunRequestChecker>();
        services.AddSingleton<JobLauncher>();
        services.AddSingleton<JobQueries>();
        services.AddSingleton<JobHeartbeats>();
        services.AddSingleton<JobFiles>();
        services.AddSingleton<JobControl>();

        services.AddTransient<WorkflowJob>();

        // Hangfire's type resolver is process-wide, as its storage is; setting the same one again is harmless.
        GlobalConfiguration.Configuration.UseTypeResolver(MovedJobTypes.Resolve);
        services.AddSingleton<JobRecordFilter>();
        services.AddSingleton<InfrastructureRetry>();
        services.AddSingleton<JobTelemetryFilter>();
        services.AddSingleton<WorkflowTelemetry>();
        services.AddSingleton<IdleMemoryRelease>();
        services.AddSingleton<IJobFilterProvider, WorkflowJobFilterProvider>();

        // After the storage's start-up, which makes the tables they read and delete from.
        services.AddHostedService<JobRetention>();
        services.AddSingleton<JobReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobReconciler>());
        return services;
    }
}

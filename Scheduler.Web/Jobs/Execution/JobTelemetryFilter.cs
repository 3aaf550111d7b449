using System.Diagnostics;
using Hangfire.Server;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// Around every workflow job on this worker: a logging scope with the job id, so that every line the job writes
/// carries it (the engine adds the step), and the job's metrics and span (<see cref="WorkflowTelemetry"/>).
/// </summary>
internal sealed class JobTelemetryFilter(WorkflowTelemetry telemetry, IJobRunStore runs, ILogger<WorkflowJob> logger) : IServerFilter
{
    /// <summary>Where <see cref="WorkflowJob"/> leaves the engine's <see cref="WorkflowRunResult"/> for this filter.</summary>
    public const string ResultKey = "Scheduler.RunResult";

    private const string ScopeKey = "Scheduler.LogScope";
    private const string ActivityKey = "Scheduler.Activity";

    public void OnPerforming(PerformingContext context)
    {
        if (!IsWorkflowJob(context, out var workflow))
        {
            return;
        }

        var jobId = context.BackgroundJob.Id;

        // Both are ambient (async-local): set here, they hold for the job method that Hangfire calls next.
        context.Items[ScopeKey] = logger.BeginScope(new LogScope(new("JobId", jobId), new("Workflow", workflow)));
        context.Items[ActivityKey] = telemetry.JobStarted(jobId, workflow);
    }

    public void OnPerformed(PerformedContext context)
    {
        if (!IsWorkflowJob(context, out var workflow))
        {
            return;
        }

        var activity = context.Items.TryGetValue(ActivityKey, out var started) ? started as Activity : null;
        try
        {
            if (context.Items.TryGetValue(ResultKey, out var ran) && ran is WorkflowRunResult result)
            {
                telemetry.JobFinished(activity, workflow, result.Status, result.Error, result.Steps);
            }
#pragma warning disable RS0030 // OnPerformed runs on a Hangfire worker's own thread, not a pool thread, and cannot await.
            else if (runs.FindAsync(context.BackgroundJob.Id, CancellationToken.None).GetAwaiter().GetResult() is { } run)
#pragma warning restore RS0030
            {
                // The job ended before its engine did (it could not run as queued, or the service failed): the record
                // says how. Hangfire's filters are synchronous; the record is one indexed read.
                telemetry.JobFinished(activity, run.Workflow, run.Status, run.Error, run.Steps);
            }
        }
        finally
        {
            activity?.Dispose();
            (context.Items.TryGetValue(ScopeKey, out var scope) ? scope as IDisposable : null)?.Dispose();
        }
    }

    private static bool IsWorkflowJob(PerformContext context, out string workflow) =>
        WorkflowJob.TryRead(context.BackgroundJob.Job, out workflow, out _);
}

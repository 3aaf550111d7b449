using Microsoft.Extensions.Logging;
using Scheduler.Dataflows;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// Runs a job: the workflow's task graph (see <see cref="GraphRun"/>), then its notifications (see
/// <see cref="NotificationRun"/>), with every step recorded in the job's own
/// records as it starts and ends, and the job's log written as it goes. The job's secret values (the request's and
/// those of every secret variable on the way) are masked in all of it, and in what it logs.
/// </summary>
/// <param name="jobLog">
/// Where the log lines go that no write of the record carries (the line of a delivery after a worker died, the lines of
/// a child workflow's steps); the others go to the store with the step or record write that follows them. Null drops
/// only the former.
/// </param>
public sealed class WorkflowEngine(
    TaskRegistry tasks,
    IWorkflowDefinitions workflows,
    IJobRunStore store,
    TimeProvider time,
    ILogger<WorkflowEngine> logger,
    IJobLog? jobLog = null)
{
    public async Task<WorkflowRunResult> RunAsync(WorkflowRunRequest request, CancellationToken cancellationToken)
    {
        var redactor = request.Redactor;
        var log = new JobLogWriter(jobLog, request.JobId, time, redactor);
        var settings = new GraphRunSettings(
            request.JobId,
            request.JobDirectory,
            tasks,
            name => workflows.TryGet(name, out var found) ? found : null,
            log,
            time,
            new RedactingLogger(logger, redactor),
            redactor);
        var now = time.GetUtcNow();
        var context = request.Context ?? new RunContext(request.JobId, request.Workflow.Name, now);
        var run = new GraphRun(settings, request.Workflow, request.Parameters, request.JobDirectory, stepPrefix: "", context);
        var notifications = new NotificationRun(settings, request.Workflow, request.Parameters, request.JobDirectory, context);
        var graphSteps = run.PendingSteps.Count;
        List<StepRun> steps = [.. run.PendingSteps, .. notifications.PendingSteps];
        if (request.Resume && await store.FindAsync(request.JobId, cancellationToken) is { } previous)
        {
            steps = [.. steps.Select((step, position) => previous.Steps.ElementAtOrDefault(position) is { Status: StepStatus.Completed } done
                && done.Name == step.Name && done.Type == step.Type ? done : step)];
        }

        var startedBefore = await store.StartAsync(
            new JobRun(request.JobId, request.Workflow.Name, RunStatus.Running, now, now, null, request.Assignments, null, steps) { WorkflowVersion = request.WorkflowVersion },
            cancellationToken);
        if (startedBefore && request.DescribeRedelivery?.Invoke() is { } redelivery)
        {
            // Written at once, not with the first step's lines: a job delivered again after its worker died says so
            // while that step still runs.
            log.Write(null, LogLevel.Information, redelivery);
            await log.FlushAsync();
        }

        log.Write(null, LogLevel.Information, $"Job {request.JobId} of workflow {request.Workflow.Name} started");
        if (steps.Count(s => s.Status == StepStatus.Completed) is > 0 and var kept)
        {
            log.Write(null, LogLevel.Warning, $"Job {request.JobId} resumes after a failure of the service's own database: {kept} step(s) completed before are not run again");
        }

        // Step records are written even while the job is being cancelled: they are how the user learns what happened.
        // Each carries the log lines written until then, which saves the log a round trip of its own at each step's end.
        var recorded = steps.ToArray();
        Task Save(int position, StepRun step)
        {
            recorded[position] = redactor.Mask(step);
            return store.SaveStepAsync(request.JobId, position, recorded[position], log.TakePending(), CancellationToken.None);
        }

        var result = await run.RunAsync(Save, steps[..graphSteps], cancellationToken);

        var error = redactor.Mask(result.Error);
        await notifications.RunAsync(result.Status, error, run.Visible, (position, step) => Save(graphSteps + position, step), steps[graphSteps..], cancellationToken);
        var outputs = redactor.Mask(result.Outputs);
        log.Write(null, result.Status == RunStatus.Completed ? LogLevel.Information : LogLevel.Warning, $"Job {request.JobId} finished {result.Status}{(error is null ? "" : ": " + error)}");
        await store.FinishAsync(request.JobId, result.Status, time.GetUtcNow(), error, outputs.Count > 0 ? outputs : null, log.TakePending(), CancellationToken.None);
        logger.LogJobFinished(request.JobId, request.Workflow.Name, result.Status);
        return new(result.Status, error) { Outputs = outputs, Steps = recorded };
    }
}

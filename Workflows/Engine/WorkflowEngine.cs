using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// Runs a workflow's tasks in dependency order, recording every step as it starts and ends. A failed task fails the
/// job and the tasks after it are Skipped; cancellation stops the running task and marks the job Cancelled.
/// </summary>
public sealed class WorkflowEngine(TaskRegistry tasks, IJobRunStore store, TimeProvider time, ILogger<WorkflowEngine> logger)
{
    public async Task<WorkflowRunResult> RunAsync(WorkflowRunRequest request, CancellationToken cancellationToken)
    {
        var graph = TaskGraph.Build(request.Workflow);
        var steps = graph.Order.Select(t => StepRun.Pending(t.Name, t.Type)).ToList();
        await store.StartAsync(
            new JobRun(request.JobId, request.Workflow.Name, RunStatus.Running, time.GetUtcNow(), time.GetUtcNow(), null, request.Assignments, null, steps),
            cancellationToken);
        Directory.CreateDirectory(request.JobDirectory);

        var outputs = new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.OrdinalIgnoreCase);
        string? error = null;
        var status = RunStatus.Completed;
        for (var position = 0; position < graph.Order.Count; position++)
        {
            var task = graph.Order[position];
            if (status != RunStatus.Completed)
            {
                await SaveAsync(request.JobId, position, steps[position] with { Status = StepStatus.Skipped });
                continue;
            }

            var (stepStatus, stepError) = await RunStepAsync(request, position, task, steps[position], outputs, cancellationToken);
            if (stepStatus == StepStatus.Cancelled)
            {
                (status, error) = (RunStatus.Cancelled, $"{task.Name} was cancelled");
            }
            else if (stepStatus == StepStatus.Failed)
            {
                (status, error) = (RunStatus.Failed, $"{task.Name} failed: {stepError}");
            }
        }

        await store.FinishAsync(request.JobId, status, time.GetUtcNow(), error, CancellationToken.None);
        logger.LogInformation("Job {JobId} of workflow {Workflow} finished {Status}", request.JobId, request.Workflow.Name, status);
        return new(status, error);
    }

    private async Task<(StepStatus Status, string? Error)> RunStepAsync(
        WorkflowRunRequest request,
        int position,
        TaskDefinition task,
        StepRun step,
        Dictionary<string, IReadOnlyDictionary<string, object?>> outputs,
        CancellationToken cancellationToken)
    {
        step = step with { Status = StepStatus.Running, StartedAt = time.GetUtcNow() };
        await SaveAsync(request.JobId, position, step);
        using var scope = logger.BeginScope(new Dictionary<string, object> { ["JobId"] = request.JobId, ["Step"] = task.Name });
        try
        {
            var type = tasks.Get(task.Type);
            var inputs = InputResolver.Resolve(task, type, request.Parameters, outputs);
            var context = new TaskRunContext(request.JobId, task.Name, request.JobDirectory, inputs, logger);
            var produced = await type.RunAsync(context, cancellationToken);
            outputs[task.Name] = produced;
            await SaveAsync(request.JobId, position, step with { Status = StepStatus.Completed, FinishedAt = time.GetUtcNow(), Outputs = produced });
            return (StepStatus.Completed, null);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            logger.LogWarning("Step {Step} of job {JobId} was cancelled", task.Name, request.JobId);
            await SaveAsync(request.JobId, position, step with { Status = StepStatus.Cancelled, FinishedAt = time.GetUtcNow(), Error = "cancelled" });
            return (StepStatus.Cancelled, "cancelled");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // A TaskFailedException is the user's to fix and its message says how; anything else is logged whole for
            // the operator, and its message still reaches the user.
            if (e is TaskFailedException)
            {
                logger.LogWarning("Step {Step} of job {JobId} failed: {Error}", task.Name, request.JobId, e.Message);
            }
            else
            {
                logger.LogError(e, "Step {Step} of job {JobId} failed", task.Name, request.JobId);
            }

            await SaveAsync(request.JobId, position, step with { Status = StepStatus.Failed, FinishedAt = time.GetUtcNow(), Error = e.Message });
            return (StepStatus.Failed, e.Message);
        }
    }

    // Step records are written even when the job is being cancelled: they are how the user learns what happened.
    private Task SaveAsync(string jobId, int position, StepRun step) => store.SaveStepAsync(jobId, position, step, CancellationToken.None);
}

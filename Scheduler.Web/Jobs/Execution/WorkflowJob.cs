using Hangfire;
using Hangfire.Common;
using Hangfire.Server;
using Microsoft.Extensions.Options;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// The Hangfire job that runs a workflow. Its arguments are the workflow name and the run parameters as given:
/// never connection secrets, which are read from configuration on the worker.
/// </summary>
internal sealed class WorkflowJob(
    WorkflowResolver resolver,
    WorkflowEngine engine,
    IJobRunStore runs,
    JobStorage storage,
    JobSecrets secrets,
    IOptions<SchedulerOptions> options,
    TimeProvider time)
{
    /// <summary>The Hangfire call that runs <paramref name="workflow"/> with these parameters (secret values as references).</summary>
    public static Job Call(string workflow, IReadOnlyList<ParameterAssignment> parameters)
    {
        var given = parameters.ToArray();
        return Job.FromExpression<WorkflowJob>(job => job.RunAsync(workflow, given, null, CancellationToken.None));
    }

    /// <summary>The workflow and parameters of a Hangfire job made by <see cref="Call"/>; false for any other job.</summary>
    public static bool TryRead(Job? job, out string workflow, out ParameterAssignment[] parameters)
    {
        (workflow, parameters) = job is { } call && call.Type == typeof(WorkflowJob) && call.Args is [string name, ParameterAssignment[] given, ..]
            ? (name, given)
            : ("", []);
        return workflow.Length > 0;
    }

    // A workflow that failed has said why; running it again unchanged would fail the same way. Retries are per task, and
    // InfrastructureRetry runs again a job that the service's own database failed.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Workflow {0}")]
    public async Task RunAsync(string workflow, ParameterAssignment[] parameters, PerformContext? context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var jobId = context.BackgroundJob.Id;

        // The definitions may have changed since the job was queued (on any node): resolve again and refuse to run
        // what no longer fits. Secret parameters arrive as references and are revealed only for binding, and only when
        // they were kept for this job or for the schedule that made it (read with the rest of the job's trigger).
        var trigger = JobTrigger.Read(context, workflow, time.GetUtcNow());
        var revealed = await secrets.RevealForJobAsync(parameters, jobId, trigger.ScheduleId is { Length: > 0 } scheduleId ? scheduleId : null, cancellationToken);
        var redactor = revealed.Redactor;
        var resolution = revealed.Problem is null ? await resolver.ResolveAsync(workflow, revealed.Parameters, cancellationToken) : null;
        if (resolution is not { IsValid: true })
        {
            var problem = revealed.Problem
                ?? redactor.Mask("the workflow cannot run as queued: " + string.Join("; ", resolution!.Problems.Select(p => p.Message)));
            var now = time.GetUtcNow();
            await runs.StartAsync(new JobRun(jobId, workflow, RunStatus.Running, now, now, null, parameters, null, []), cancellationToken);
            await runs.FinishAsync(jobId, RunStatus.Failed, now, problem, null, [], CancellationToken.None);
            throw new WorkflowFailedException(problem);
        }

        var directory = options.Value.JobDirectory(jobId);
        WorkflowRunResult result;
        try
        {
            // The parameters as read when this delivery went Processing: an earlier attempt counted itself before that.
            var resume = context.GetJobParameter<int>(InfrastructureRetry.AttemptsParameter, allowStale: true) > 0;
            result = await engine.RunAsync(
                new WorkflowRunRequest(jobId, resolution.Workflow, parameters, resolution.Parameters, directory)
                {
                    Redactor = redactor,
                    Resume = resume,
                    WorkflowVersion = resolution.Version,
                    DescribeRedelivery = () => JobDelivery.Read(storage, jobId)?.Describe(),
                    Context = trigger,
                },
                cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException && !InfrastructureFailure.IsDatabaseUnavailable(e))
        {
            // A failure outside every task (a bug) must still leave the job's record saying why, instead of a step that
            // stays Running forever; the database being away is not the workflow's failure, and the job runs again.
            // Hangfire stores and logs what is thrown as it is, so it gets the exception with the secrets masked.
            var reason = redactor.Mask($"the service failed while running the workflow: {e.Message}");
            await runs.FinishAsync(jobId, RunStatus.Failed, time.GetUtcNow(), reason, null, [], CancellationToken.None);
            throw new WorkflowFailedException(reason, redactor.Mask(e));
        }

        // For the telemetry filter, which would otherwise read the record the engine has just written back.
        context.Items[JobTelemetryFilter.ResultKey] = result;

        // The engine has masked the secrets in the error already.
        switch (result.Status)
        {
            case RunStatus.Cancelled:
                cancellationToken.ThrowIfCancellationRequested();
                throw new OperationCanceledException(result.Error);
            case RunStatus.Failed:
                throw new WorkflowFailedException(result.Error ?? "the workflow failed");
        }
    }
}

/// <summary>Thrown so that Hangfire shows a failed workflow as a Failed job, with the step and reason as its message.</summary>
internal sealed class WorkflowFailedException : Exception
{
    public WorkflowFailedException(string message)
        : base(message)
    {
    }

    public WorkflowFailedException()
    {
    }

    public WorkflowFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

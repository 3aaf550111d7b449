using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// The service's own metrics and traces, named so that any OpenTelemetry backend can collect them: jobs started,
/// finished (by status) and failed, step durations and rows loaded, and a span per job with one per step.
/// Taken from the job's record when it ends, so the engine's code stays free of measuring.
/// </summary>
public sealed class WorkflowTelemetry
{
    public const string Name = "Scheduler.Workflows";

    /// <summary>The source of the job and step spans.</summary>
    public static readonly ActivitySource Source = new(Name);

    private readonly Counter<long> _started;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _failed;
    private readonly Histogram<double> _stepDuration;
    private readonly Counter<long> _rowsLoaded;

    public WorkflowTelemetry(IMeterFactory meters)
    {
        ArgumentNullException.ThrowIfNull(meters);
        var meter = meters.Create(Name);
        _started = meter.CreateCounter<long>("scheduler.jobs.started", "{job}", "Jobs that began to run");
        _finished = meter.CreateCounter<long>("scheduler.jobs.finished", "{job}", "Jobs that ended, by status");
        _failed = meter.CreateCounter<long>("scheduler.jobs.failed", "{job}", "Jobs that ended Failed");
        _stepDuration = meter.CreateHistogram<double>("scheduler.step.duration", "s", "How long each step ran, by task type and status");
        _rowsLoaded = meter.CreateCounter<long>("scheduler.rows.loaded", "{row}", "Rows written to a destination by dataflow steps");
    }

    /// <summary>Counts the start and opens the job's span, which becomes the current one for the job's work.</summary>
    public Activity? JobStarted(string jobId, string workflow)
    {
        _started.Add(1, new KeyValuePair<string, object?>("workflow", workflow));
        var activity = Source.StartActivity($"job {workflow}", ActivityKind.Internal);
        activity?.SetTag("scheduler.job.id", jobId);
        activity?.SetTag("scheduler.workflow", workflow);
        return activity;
    }

    /// <summary>Counts the end, the steps and the rows from how the job ended and its recorded steps, and gives the job's span (closed by the caller) a span per step.</summary>
    public void JobFinished(Activity? activity, string workflowName, RunStatus status, string? error, IReadOnlyList<StepRun> steps)
    {
        ArgumentNullException.ThrowIfNull(steps);
        var workflow = new KeyValuePair<string, object?>("workflow", workflowName);
        _finished.Add(1, workflow, new KeyValuePair<string, object?>("status", status.ToString()));
        if (status == RunStatus.Failed)
        {
            _failed.Add(1, workflow);
        }

        foreach (var step in steps.Where(s => s.StartedAt is not null && s.FinishedAt is not null))
        {
            var duration = (step.FinishedAt!.Value - step.StartedAt!.Value).TotalSeconds;
            _stepDuration.Record(duration, workflow, new("task.type", step.Type), new("status", step.Status.ToString()));
            if (step.Outputs.TryGetValue("rowsWritten", out var rows) && rows is not null && long.TryParse(rows.ToString(), out var loaded))
            {
                _rowsLoaded.Add(loaded, workflow, new KeyValuePair<string, object?>("step", step.Name));
            }

            // Steps are known only once recorded, so their spans are written afterwards with their real times.
            using var span = Source.StartActivity($"step {step.Name}", ActivityKind.Internal, activity?.Context ?? default, startTime: step.StartedAt.Value);
            span?.SetTag("scheduler.step", step.Name);
            span?.SetTag("scheduler.task.type", step.Type);
            span?.SetStatus(step.Status == StepStatus.Failed ? ActivityStatusCode.Error : ActivityStatusCode.Ok, step.Error);
            span?.SetEndTime(step.FinishedAt.Value.UtcDateTime);
        }

        activity?.SetStatus(status == RunStatus.Completed ? ActivityStatusCode.Ok : ActivityStatusCode.Error, error);
    }
}

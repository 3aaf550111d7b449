using Scheduler.Dataflows;
using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// Runs a workflow's notifications (see <see cref="WorkflowNotifications"/>) once its graph has ended: those due for
/// the job's outcome one after another, as a graph of their own without dependencies, the others Skipped. They see what
/// the graph's tasks saw at the end, and <c>${Job.status}</c> and <c>${Job.error}</c>. Their steps are recorded after
/// the graph's; a notification that fails is a Failed step and a line in the job's log, never the job's outcome.
/// </summary>
internal sealed class NotificationRun(GraphRunSettings settings, WorkflowDefinition workflow, BoundParameters parameters, string directory, RunContext context)
{
    private readonly IReadOnlyList<(string List, int Index, TaskDefinition Task)> _notifications = [.. workflow.Notifications.All];

    public List<StepRun> PendingSteps => [.. _notifications.Select(n => StepRun.Pending(n.Task.Name, n.Task.Type))];

    /// <param name="status">How the graph ended.</param>
    /// <param name="error">Why it failed, secrets masked.</param>
    /// <param name="seen">What the graph's tasks could read at its end.</param>
    /// <param name="saveStep">Saves the step record of the notification at a position of <see cref="PendingSteps"/>.</param>
    /// <param name="from">The notifications' step records: Completed ones (of an earlier delivery) are not run again.</param>
    /// <param name="jobToken">The job's cancellation.</param>
    public async Task RunAsync(
        RunStatus status, string? error, IReadOnlyDictionary<string, object?> seen, Func<int, StepRun, Task> saveStep, IReadOnlyList<StepRun> from, CancellationToken jobToken)
    {
        var due = new List<int>();
        for (var position = 0; position < _notifications.Count; position++)
        {
            var (list, _, task) = _notifications[position];
            if (IsDue(list, status))
            {
                due.Add(position);
            }
            else if (from[position].Status != StepStatus.Completed)
            {
                settings.Log.Write(task.Name, LogLevel.Information, $"{task.Name} did not run: it is in {list}, and the job is {status}");
                await saveStep(position, from[position] with { Status = StepStatus.Skipped });
            }
        }

        if (due.Count == 0)
        {
            return;
        }

        // One at a time and in the order written; no timeout of the job's own: the notice of a timed-out job must still go out.
        var notifications = workflow with
        {
            Tasks = [.. due.Select(p => _notifications[p].Task)],
            Outputs = [],
            MaxParallelism = 1,
            Timeout = null,
            Notifications = WorkflowNotifications.None,
        };
        var run = new GraphRun(settings, notifications, parameters, directory, stepPrefix: "", context);
        run.See(seen);
        run.See(new Dictionary<string, object?>
        {
            [$"{WorkflowObjects.Job}.status"] = status.ToString(),
            [$"{WorkflowObjects.Job}.error"] = error ?? "",
        });
        var result = await run.RunAsync((index, step) => saveStep(due[index], step), [.. due.Select(p => from[p])], jobToken);
        if (result.Status != RunStatus.Completed)
        {
            settings.Log.Write(null, LogLevel.Warning, $"A notification did not go out ({result.Error}); the job stays {status}");
        }
    }

    private static bool IsDue(string list, RunStatus status) => list switch
    {
        "onFailure" => status == RunStatus.Failed,
        "onSuccess" => status == RunStatus.Completed,
        _ => status is RunStatus.Completed or RunStatus.Failed,
    };
}

using Scheduler.Web.Definitions;
using Scheduler.Web.Schedules;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>One line of the Workflows page.</summary>
internal sealed record WorkflowSummary(DefinitionSummary Definition, JobRun? LastRun, ScheduleResponse? NextSchedule);

/// <summary>
/// Every workflow with what an operator looks for first: its version and whether it can run, how its last job ended,
/// and when a schedule runs it next. Read from the same stores as the API. A cron schedule's next run comes before a
/// file-drop schedule's: the "next run" of the latter is only its next look at a folder.
/// </summary>
internal sealed class WorkflowOverview(DefinitionEditor definitions, IJobRunStore runs, RecurringSchedules schedules)
{
    public async Task<IReadOnlyList<WorkflowSummary>> ListAsync(CancellationToken cancellationToken)
    {
        var next = (await schedules.ListAsync(cancellationToken))
            .Where(s => s is { Enabled: true, NextRun: not null })
            .GroupBy(s => s.Workflow, StringComparer.OrdinalIgnoreCase)
            .ToDictionary(g => g.Key, g => g.OrderBy(s => s.Trigger is not null).ThenBy(s => s.NextRun).First(), StringComparer.OrdinalIgnoreCase);
        var summaries = new List<WorkflowSummary>();
        foreach (var definition in (await definitions.ListAsync(DefinitionKind.Workflow, cancellationToken)).OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase))
        {
            var last = await runs.ListAsync(new JobRunQuery(null, definition.Name, null, null, Limit: 1, Offset: 0), cancellationToken);
            summaries.Add(new(definition, last.Runs.Count > 0 ? last.Runs[0] : null, next.GetValueOrDefault(definition.Name)));
        }

        return summaries;
    }
}

using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Dashboard.Graph;

/// <summary>
/// One colour per step status, the same in the graph and the timeline, close to the dashboard's own (Bootstrap 3)
/// colours for succeeded, failed and processing jobs. Written as SVG attributes rather than CSS classes, so that a
/// drawing saved or opened on its own keeps its colours.
/// </summary>
internal static class StatusPalette
{
    public static (string Fill, string Stroke) Of(StepStatus? status) => status switch
    {
        null => ("#ffffff", "#337ab7"),
        StepStatus.Pending => ("#f5f5f5", "#999999"),
        StepStatus.Running => ("#d9edf7", "#31708f"),
        StepStatus.Completed => ("#dff0d8", "#3c763d"),
        StepStatus.Failed => ("#f2dede", "#a94442"),
        StepStatus.Skipped => ("#eeeeee", "#777777"),
        StepStatus.Cancelled => ("#fcf8e3", "#8a6d3b"),
        _ => ("#ffffff", "#999999"),
    };

    /// <summary>The colour of an arrow: the normal path dark, error paths red, the always-paths grey, branches blue.</summary>
    public static string Of(DependencyCondition condition) => condition switch
    {
        DependencyCondition.Failed => "#a94442",
        DependencyCondition.Finished => "#777777",
        DependencyCondition.True or DependencyCondition.False => "#31708f",
        _ => "#555555",
    };
}

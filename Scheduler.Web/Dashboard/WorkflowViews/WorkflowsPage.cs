using System.Globalization;
using System.Text;
using Hangfire.Dashboard;
using Scheduler.Web.Schedules;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// The Workflows page: every workflow with its version, validity, last job and next scheduled run, and for an
/// Operator or Admin a link to the Run form of each workflow that can run.
/// </summary>
internal sealed class WorkflowsPage : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var overview = ActivatorUtilities.CreateInstance<WorkflowOverview>(http.RequestServices);
        var workflows = await overview.ListAsync(http.RequestAborted);
        var url = new UrlHelper(context);
        var html = new StringBuilder("<div class=\"row\"><div class=\"col-md-12\"><h1 class=\"page-header\">Workflows</h1>");
        if (workflows.Count == 0)
        {
            html.Append("<p class=\"text-muted\">No workflow is stored yet.</p>");
        }
        else
        {
            html.Append("<div class=\"table-responsive\"><table class=\"table table-striped workflows\"><thead><tr>")
                .Append("<th>Workflow</th><th>Version</th><th>Valid</th><th>Last run</th><th>Next scheduled run (schedule's zone)</th><th>Next scheduled run (UTC)</th></tr></thead><tbody>");
            foreach (var (definition, last, next) in workflows)
            {
                html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow\" data-workflow=\"{E(definition.Name)}\">")
                    .Append(CultureInfo.InvariantCulture, $"<td><a class=\"workflow-link\" href=\"{E(url.To($"{DashboardViews.WorkflowsPath}/{Uri.EscapeDataString(definition.Name)}"))}\">{E(definition.Name)}</a>")
                    .Append(context.IsReadOnly || !definition.Valid ? "" : RunFormPage.Link(url, definition.Name))
                    .Append("</td>")
                    .Append(CultureInfo.InvariantCulture, $"<td class=\"workflow-version\">{definition.Version}</td>")
                    .Append(definition.Valid
                        ? "<td class=\"workflow-valid\"><span class=\"label label-success\">valid</span></td>"
                        : $"<td class=\"workflow-valid\"><span class=\"label label-danger\">invalid</span> {definition.Problems.Count} problem(s)</td>")
                    .Append(last is null
                        ? "<td class=\"workflow-last-run text-muted\">never</td>"
                        : $"<td class=\"workflow-last-run\"><a href=\"{E(url.JobDetails(last.JobId))}\">{E(last.Status.ToString())}</a> {WorkflowStepsRenderer.Time(last.FinishedAt ?? last.StartedAt ?? last.CreatedAt)}</td>")
                    .Append(NextRun(next))
                    .Append("</tr>");
            }

            html.Append("</tbody></table></div>");
        }

        await DashboardPage.RenderAsync(context, StatusCodes.Status200OK, "Workflows", html.Append("</div></div>").ToString());
    }

    /// <summary>The cells of the schedule that runs the workflow next, written as the Schedules page writes them.</summary>
    private static string NextRun(ScheduleResponse? schedule)
    {
        if (schedule is null)
        {
            return "<td class=\"workflow-next-run text-muted\" colspan=\"2\">not scheduled</td>";
        }

        var by = $" <span class=\"text-muted\">({E(schedule.Id)})</span>";
        if (schedule.Trigger is not null)
        {
            return $"<td class=\"workflow-next-run\" colspan=\"2\">on a new file: <code>{ScheduleCells.When(schedule)}</code>{by}</td>";
        }

        var (local, utc) = ScheduleCells.NextRun(schedule);
        return $"<td class=\"workflow-next-run next-run-local\">{local}{by}</td><td class=\"workflow-next-run next-run-utc\">{utc}</td>";
    }
}

using System.Text;
using Hangfire.Dashboard;
using Scheduler.Web.Schedules;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// The dashboard's Schedules page (<c>/hangfire/schedules</c>): every schedule the schedules API lists, with its next
/// run in the schedule's own time zone and in UTC, its last job, and a link to run its workflow now by hand.
/// </summary>
internal sealed class SchedulesPage : IDashboardDispatcher
{
    public const string Route = "/schedules";

    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        if (!HttpMethods.IsGet(http.Request.Method))
        {
            http.Response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            return;
        }

        var schedules = await http.RequestServices.GetRequiredService<RecurringSchedules>().ListAsync(http.RequestAborted);
        var urls = new UrlHelper(context);
        var html = new StringBuilder("<h1 class=\"page-header\">Schedules</h1>");
        if (schedules.Count == 0)
        {
            html.Append("<p class=\"text-muted\" id=\"no-schedules\">No schedules yet: <code>PUT /api/schedules/{id}</code> makes one.</p>");
        }
        else
        {
            html.Append("<div class=\"table-responsive\"><table class=\"table table-striped schedules\"><thead><tr>")
                .Append("<th>Schedule</th><th>Workflow</th><th>Cron</th><th>Next run (schedule's zone)</th><th>Next run (UTC)</th><th>Last job</th><th>Error</th>")
                .Append("</tr></thead><tbody>");
            foreach (var schedule in schedules)
            {
                html.Append(Row(schedule, urls, context.IsReadOnly));
            }

            html.Append("</tbody></table></div>");
        }

        await DashboardPage.RenderAsync(context, StatusCodes.Status200OK, "Schedules", html.ToString());
    }

    /// <summary>One schedule's row: every kind of schedule the page lists is rendered here.</summary>
    private static string Row(ScheduleResponse schedule, UrlHelper urls, bool readOnly)
    {
        var (local, utc) = ScheduleCells.NextRun(schedule);
        var workflow = readOnly
            ? E(schedule.Workflow)
            : E(schedule.Workflow) + RunFormPage.Link(urls, schedule.Workflow);
        var lastJob = schedule.LastJobId is { } jobId
            ? $"<a href=\"{E(urls.JobDetails(jobId))}\">{E(jobId)}</a> {E(schedule.LastJobStatus ?? "")}"
            : "";
        return $"<tr class=\"schedule\" data-schedule=\"{E(schedule.Id)}\"><td>{E(schedule.Id)}</td><td>{workflow}</td>" +
            $"<td><code style=\"white-space: nowrap\">{ScheduleCells.When(schedule)}</code></td><td class=\"next-run-local\">{local}</td><td class=\"next-run-utc\">{utc}</td>" +
            $"<td>{lastJob}</td><td>{E(schedule.Error ?? "")}</td></tr>";
    }
}

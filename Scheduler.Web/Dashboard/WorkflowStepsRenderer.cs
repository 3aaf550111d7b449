using System.Globalization;
using System.Net;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// Adds the workflow's steps (status, times, outputs such as row counts, errors) to Hangfire's job page, read from the
/// service's own job records. Every value is HTML-encoded: paths, parameters and errors come from users and files.
/// </summary>
internal static class WorkflowStepsRenderer
{
    private const int Order = 10;
    private static int _registered;

    /// <summary>Hangfire keeps renderers in a process-wide list: register once, and find the services per request.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            GlobalConfiguration.Configuration.UseJobDetailsRenderer(Order, Render);
        }
    }

    private static NonEscapedString? Render(JobDetailsRendererDto page)
    {
        if (page.JobDetails.Job?.Type != typeof(WorkflowJob))
        {
            return null;
        }

        var http = page.Page.Context.GetHttpContext();
        var runs = http.RequestServices.GetRequiredService<IJobRunStore>();

        // Hangfire renders its pages synchronously; there is no async hook to await in.
        var run = runs.FindAsync(page.JobId, http.RequestAborted).GetAwaiter().GetResult();
        return new NonEscapedString(run is null ? NoRecord() : Steps(run));
    }

    private static string NoRecord() =>
        "<h3>Workflow steps</h3><p class=\"text-muted\">This job has no step record (yet).</p>";

    private static string Steps(JobRun run)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h3 id=\"workflow-steps\">Workflow steps of {E(run.Workflow)}: {E(run.Status.ToString())}</h3>");
        if (run.Error is { } error)
        {
            html.Append(CultureInfo.InvariantCulture, $"<div class=\"alert alert-danger workflow-error\">{E(error)}</div>");
        }

        html.Append("<div class=\"table-responsive\"><table class=\"table table-striped workflow-steps\"><thead><tr>")
            .Append("<th>Step</th><th>Type</th><th>Status</th><th>Started</th><th>Finished</th><th>Duration</th><th>Outputs</th><th>Error</th>")
            .Append("</tr></thead><tbody>");
        foreach (var step in run.Steps)
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow-step\" data-step=\"{E(step.Name)}\">")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(step.Name)}</td><td>{E(step.Type)}</td><td class=\"step-status\">{E(step.Status.ToString())}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Time(step.StartedAt)}</td><td>{Time(step.FinishedAt)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Duration(step.FinishedAt - step.StartedAt)}</td><td>{Outputs(step.Outputs)}</td><td>{E(step.Error ?? "")}</td>")
                .Append("</tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    private static string Outputs(IReadOnlyDictionary<string, object?> outputs) => string.Concat(outputs.Select(o =>
        $"<div><span class=\"text-muted\">{E(o.Key)}</span> <span data-output=\"{E(o.Key)}\">{E(Convert.ToString(o.Value, CultureInfo.InvariantCulture) ?? "")}</span></div>"));

    private static string Time(DateTimeOffset? time) =>
        time is { } t ? E(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)) : "";

    private static string Duration(TimeSpan? duration) =>
        duration is { } d ? E(d.TotalSeconds.ToString("0.000 's'", CultureInfo.InvariantCulture)) : "";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

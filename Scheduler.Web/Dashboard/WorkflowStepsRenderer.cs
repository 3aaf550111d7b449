using System.Globalization;
using System.Net;
using System.Text;
using Hangfire;
using Hangfire.Dashboard;
using Scheduler.Web.Dashboard.WorkflowViews;
using Scheduler.Web.Hosting;
using Scheduler.Web.Jobs;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// Adds the workflow's steps (status, times, outputs such as row counts, errors) and the job's log to Hangfire's job
/// page, inside <see cref="JobWorkflowView"/> with the graph, the timeline and the files, read through the same queries
/// as the API, so secret values are masked here too. Every value is HTML-encoded: paths, parameters and errors come
/// from users and files.
/// </summary>
internal static class WorkflowStepsRenderer
{
    private const int Order = 10;

    // A page, not an archive: the whole log stays available over the API.
    private const int MaxLogLines = 500;
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
        if (!WorkflowJob.TryRead(page.JobDetails.Job, out _, out _))
        {
            return null;
        }

        // Hangfire renders its pages synchronously: the view was rendered before, asynchronously.
        return new NonEscapedString(JobPagePreload.ViewOf(page.Page.Context.GetHttpContext(), page.JobId) ?? NoRecord());
    }

    private static string NoRecord() =>
        "<h3>Workflow steps</h3><p class=\"text-muted\">This job has no step record (yet).</p>";

    internal static string Steps(JobDetailsResponse run)
    {
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<h3 id=\"workflow-steps\">Workflow steps of {E(run.Workflow)}: {E(run.Status)}</h3>");
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
                .Append(CultureInfo.InvariantCulture, $"<td>{E(step.Name)}</td><td>{E(step.Type)}</td><td class=\"step-status\">{E(step.Status)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Time(step.StartedAt)}</td><td>{Time(step.FinishedAt)}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{Duration(step.DurationSeconds)}</td><td>{Outputs(step.Outputs)}</td><td>{E(step.Error ?? "")}</td>")
                .Append("</tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    internal static string Log(string jobId, IReadOnlyList<JobLogLine> lines)
    {
        var html = new StringBuilder("<h3 id=\"workflow-log\">Job log</h3>");
        if (lines.Count > MaxLogLines)
        {
            html.Append(CultureInfo.InvariantCulture, $"<p class=\"text-muted\">The last {MaxLogLines} of {lines.Count} lines; all of them: GET /api/jobs/{E(jobId)}/log</p>");
        }

        html.Append("<div class=\"table-responsive\"><table class=\"table table-condensed workflow-log\"><thead><tr>")
            .Append("<th>Time</th><th>Step</th><th>Level</th><th>Message</th></tr></thead><tbody>");
        foreach (var line in lines.Skip(Math.Max(0, lines.Count - MaxLogLines)))
        {
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow-log-line\"><td>{Time(line.Timestamp)}</td><td>{E(line.Step ?? "")}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{E(line.Level)}</td><td>{E(line.Message)}</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    private static string Outputs(IReadOnlyDictionary<string, object?> outputs) => string.Concat(outputs.Select(o =>
        $"<div><span class=\"text-muted\">{E(o.Key)}</span> <span data-output=\"{E(o.Key)}\">{E(Text(o.Value))}</span></div>"));

    private static string Text(object? value) => value is IEnumerable<string> texts
        ? string.Join(", ", texts)
        : Convert.ToString(value, CultureInfo.InvariantCulture) ?? "";

    internal static string Time(DateTimeOffset? time) =>
        time is { } t ? E(t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture)) : "";

    private static string Duration(double? seconds) =>
        seconds is { } s ? E(s.ToString("0.000 's'", CultureInfo.InvariantCulture)) : "";

    private static string E(string text) => WebUtility.HtmlEncode(text);
}

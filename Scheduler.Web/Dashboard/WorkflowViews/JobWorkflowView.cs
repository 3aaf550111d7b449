using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Scheduler.Web.Dashboard.Graph;
using Scheduler.Web.Hosting;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// What the dashboard's job page shows of a workflow job: the task graph coloured by each step's status, the steps on
/// a timeline, the files the job left (as download links), the steps table and the log. One block, rendered the same
/// for the page and for the live refresh, which replaces it every two seconds until the job has ended.
/// </summary>
internal sealed partial class JobWorkflowView(
    JobQueries queries, JobFiles files, IDefinitionStore definitions, TaskRegistry tasks, IOptions<SchedulerOptions> options, TimeProvider time)
{
    public const string LiveId = "workflow-live";

    /// <summary>The block for a job, or null when the job has no record.</summary>
    /// <param name="jobId">The job.</param>
    /// <param name="dashboardUrl">Turns a dashboard path (<c>/workflows/x</c>) into the address a browser follows.</param>
    /// <param name="cancellationToken">The request's.</param>
    public async Task<string?> RenderAsync(string jobId, Func<string, string> dashboardUrl, CancellationToken cancellationToken)
    {
        if (await queries.GetDetailsAndLogAsync(jobId, cancellationToken) is not var (details, log))
        {
            return null;
        }

        var ended = Enum.TryParse<RunStatus>(details.Status, out var status) && status is RunStatus.Completed or RunStatus.Failed or RunStatus.Cancelled;
        var html = new StringBuilder();
        html.Append(CultureInfo.InvariantCulture, $"<div id=\"{LiveId}\" data-live-url=\"{E(dashboardUrl($"{DashboardViews.JobsPath}/{Uri.EscapeDataString(jobId)}/live"))}\" data-ended=\"{(ended ? "true" : "false")}\" data-status=\"{E(details.Status)}\">");
        html.Append(await GraphAsync(details, dashboardUrl, cancellationToken))
            .Append(Timeline(details, log.Lines))
            .Append(WorkflowStepsRenderer.Steps(details))
            .Append(await FilesAsync(details, dashboardUrl, cancellationToken))
            .Append(WorkflowStepsRenderer.Log(jobId, log.Lines));
        return html.Append("</div>").ToString();
    }

    private async Task<string> GraphAsync(JobDetailsResponse details, Func<string, string> dashboardUrl, CancellationToken cancellationToken)
    {
        // The version the job was made from: the graph it ran, even if the workflow changed since.
        var stored = await definitions.FindAsync(DefinitionKind.Workflow, details.Workflow, details.WorkflowVersion, cancellationToken);
        if (stored?.Document is not { } document || WorkflowDefinitionLoader.Load(document).Draft is not { } workflow)
        {
            return "<h3 id=\"workflow-graph-title\">Task graph</h3><p class=\"text-muted\">The workflow's definition is no longer stored.</p>";
        }

        var statuses = details.Steps.ToDictionary(s => s.Name, s => Enum.TryParse<StepStatus>(s.Status, out var status) ? status : StepStatus.Pending, StringComparer.OrdinalIgnoreCase);
        var svg = GraphSvg.Render(
            GraphLayout.Of(workflow, tasks.ReadsFrom),
            name => statuses.TryGetValue(name, out var status) ? status : null,
            name => dashboardUrl($"{DashboardViews.WorkflowsPath}/{Uri.EscapeDataString(name)}"));
        return $"<h3 id=\"workflow-graph-title\">Task graph (version {stored.Version})</h3><div class=\"workflow-drawing\">{svg}</div>";
    }

    private string Timeline(JobDetailsResponse details, IReadOnlyList<JobLogLine> lines)
    {
        var failedAttempts = lines
            .Where(l => l.Step is not null && FailedAttempt().IsMatch(l.Message))
            .ToLookup(l => l.Step!, l => l.Timestamp, StringComparer.OrdinalIgnoreCase);
        var rows = details.Steps
            .Select(s => new GanttRow(
                s.Name,
                Enum.TryParse<StepStatus>(s.Status, out var status) ? status : StepStatus.Pending,
                s.StartedAt,
                s.FinishedAt,
                [.. failedAttempts[s.Name]]))
            .ToList();
        return $"<h3 id=\"workflow-timeline\">Timeline</h3><div class=\"workflow-drawing\">{GanttSvg.Render(rows, time.GetUtcNow())}</div>";
    }

    private async Task<string> FilesAsync(JobDetailsResponse details, Func<string, string> dashboardUrl, CancellationToken cancellationToken)
    {
        var html = new StringBuilder("<h3 id=\"workflow-files\">Files</h3>");
        if (await files.ListAsync(details.JobId, cancellationToken) is not { Files.Count: > 0 } list)
        {
            return html.Append("<p class=\"text-muted\">The job left no files on this node.</p>").ToString();
        }

        // Which step output named a file (a rejected-rows file, an output file, a download), so that a reader finds the one they need.
        var folder = Path.GetFullPath(options.Value.JobDirectory(details.JobId));
        var origins = details.Steps
            .SelectMany(s => s.Outputs.SelectMany(o => PathsOf(o.Value).Select(p => (Path: p, Origin: $"{s.Name}.{o.Key}"))))
            .Where(o => Path.IsPathFullyQualified(o.Path))
            .Select(o => (Relative: Path.GetRelativePath(folder, o.Path).Replace(Path.DirectorySeparatorChar, '/'), o.Origin))
            .ToLookup(o => o.Relative, o => o.Origin, StringComparer.Ordinal);
        html.Append("<div class=\"table-responsive\"><table class=\"table table-condensed workflow-files\"><thead><tr>")
            .Append("<th>File</th><th>Size</th><th>Named by</th></tr></thead><tbody>");
        foreach (var file in list.Files)
        {
            var link = dashboardUrl($"{DashboardViews.JobsPath}/{Uri.EscapeDataString(details.JobId)}/files/{string.Join('/', file.Path.Split('/').Select(Uri.EscapeDataString))}");
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow-file\" data-file=\"{E(file.Path)}\"><td><a href=\"{E(link)}\" download>{E(file.Path)}</a></td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{file.Size.ToString("N0", CultureInfo.InvariantCulture)} bytes</td><td>{E(string.Join(", ", origins[file.Path]))}</td></tr>");
        }

        return html.Append("</tbody></table></div>").ToString();
    }

    private static IEnumerable<string> PathsOf(object? value) => value switch
    {
        string text => [text],
        IEnumerable<string> texts => texts,
        _ => [],
    };

    // The engine's line for a failed attempt that will be tried again: "Load attempt 1 of 3 failed: ...".
    [GeneratedRegex(@" attempt \d+ of \d+ failed", RegexOptions.CultureInvariant)]
    private static partial Regex FailedAttempt();
}

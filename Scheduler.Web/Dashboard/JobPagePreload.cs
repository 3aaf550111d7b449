using System.Text.RegularExpressions;
using Scheduler.Web.Dashboard.WorkflowViews;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// Renders the workflow part of Hangfire's job page (<see cref="JobWorkflowView"/>) before Hangfire renders the page.
/// Hangfire renders pages, and calls <see cref="WorkflowStepsRenderer"/>, synchronously on the request's thread pool
/// thread: blocked on the view's asynchronous reads, that thread waited for another pool thread, and page loads at once
/// could starve the pool as a burst of run requests once did (docs/architecture.md).
/// </summary>
internal static partial class JobPagePreload
{
    private static readonly object Key = new();

    /// <summary>Runs the dashboard's endpoint after the view of a job page, when the request is for one.</summary>
    public static TBuilder PreloadingJobPages<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.Add(endpoint =>
        {
            var dashboard = endpoint.RequestDelegate!;
            endpoint.RequestDelegate = async http =>
            {
                await PreloadAsync(http);
                await dashboard(http);
            };
        });
        return builder;
    }

    /// <summary>The view of <paramref name="jobId"/>'s page rendered for this request; null when the job has no record.</summary>
    public static string? ViewOf(HttpContext http, string jobId) =>
        http.Items.TryGetValue(Key, out var preloaded) && preloaded is (string id, string html) && id == jobId ? html : null;

    // Hangfire's own route of the page, after the dashboard's path.
    [GeneratedRegex("^/jobs/details/(?<JobId>.+)$")]
    private static partial Regex JobPage();

    private static async Task PreloadAsync(HttpContext http)
    {
        if (!HttpMethods.IsGet(http.Request.Method)
            || !http.Request.Path.StartsWithSegments(DashboardSetup.Path, out var rest)
            || JobPage().Match(rest.Value ?? "") is not { Success: true } page)
        {
            return;
        }

        var jobId = page.Groups["JobId"].Value;
        var view = ActivatorUtilities.CreateInstance<JobWorkflowView>(http.RequestServices);
        var dashboard = http.Request.PathBase.Add(DashboardSetup.Path);
        var html = await view.RenderAsync(jobId, relative => dashboard + relative, http.RequestAborted);
        http.Items[Key] = (jobId, html);
    }
}

using Hangfire.Dashboard;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>The job page's workflow block alone, for the page's two-second refresh while the job runs.</summary>
internal sealed class JobLiveDispatcher : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        http.Response.Headers.CacheControl = "no-store";
        var view = ActivatorUtilities.CreateInstance<JobWorkflowView>(http.RequestServices);
        var url = new UrlHelper(context);
        if (await view.RenderAsync(context.UriMatch.Groups["id"].Value, url.To, http.RequestAborted) is not { } html)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync(html);
    }
}

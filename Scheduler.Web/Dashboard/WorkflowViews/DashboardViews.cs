using Hangfire.Dashboard;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// The workflow pages' place in Hangfire's dashboard: a Workflows menu item, the pages, the job page's live block and
/// file downloads, and the script and styles, added to Hangfire's own bundles so that they are served by the service
/// like the rest of the dashboard. Every route is under the dashboard's path, so behind its sign-in and roles.
/// </summary>
internal static class DashboardViews
{
    public const string WorkflowsPath = "/workflows";
    public const string JobsPath = "/workflow-jobs";

    private static int _registered;

    /// <summary>Hangfire keeps routes and menu items in process-wide lists: register once.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0)
        {
            return;
        }

        DashboardRoutes.Routes.Add(WorkflowsPath, new WorkflowsPage());
        DashboardRoutes.Routes.Add($"{WorkflowsPath}/(?<name>[^/]+)", new WorkflowPage());
        DashboardRoutes.Routes.Add($"{JobsPath}/(?<id>[^/]+)/live", new JobLiveDispatcher());
        DashboardRoutes.Routes.Add($"{JobsPath}/(?<id>[^/]+)/files/(?<path>.+)", new JobFileDispatcher());

        var assembly = typeof(DashboardViews).Assembly;
        DashboardRoutes.AddJavaScript(assembly, "Scheduler.Web.Dashboard.WorkflowViews.workflow-live.js");
        DashboardRoutes.AddStylesheet(assembly, "Scheduler.Web.Dashboard.WorkflowViews.workflow-views.css");

        NavigationMenu.Items.Add(page => new MenuItem("Workflows", page.Url.To(WorkflowsPath))
        {
            Active = page.RequestPath.StartsWith(WorkflowsPath, StringComparison.OrdinalIgnoreCase),
        });
    }
}

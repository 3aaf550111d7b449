using Hangfire.Dashboard;

namespace Scheduler.Web.Dashboard;

/// <summary>The Run form and the Schedules page, added to Hangfire's dashboard routes and its navigation menu.</summary>
internal static class OperatorPages
{
    private static int _registered;

    /// <summary>Hangfire keeps routes and menu items in process-wide lists: register once.</summary>
    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) != 0)
        {
            return;
        }

        DashboardRoutes.Routes.Add(RunFormPage.Route, new RunFormPage());
        DashboardRoutes.Routes.Add(SchedulesPage.Route, new SchedulesPage());
        NavigationMenu.Items.Add(page => new MenuItem("Schedules", page.Url.To(SchedulesPage.Route))
        {
            Active = page.RequestPath.StartsWith(SchedulesPage.Route, StringComparison.OrdinalIgnoreCase),
        });
    }
}

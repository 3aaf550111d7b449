using Hangfire.Dashboard;
using Hangfire.Dashboard.Pages;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// A page of ours inside Hangfire's layout (its navigation, styles and anti-forgery meta tags), from HTML that the
/// caller has built and encoded.
/// </summary>
internal sealed class DashboardPage(string title, string body) : RazorPage
{
    public override void Execute()
    {
        Layout = new LayoutPage(title);
        WriteLiteral(body);
    }

    /// <summary>
    /// Writes the page. Hangfire renders pages synchronously and only its own page dispatcher can give a page the
    /// request's context, so our dispatchers do their asynchronous work first and hand the finished HTML to one.
    /// </summary>
    public static Task RenderAsync(DashboardContext context, int status, string title, string body)
    {
        context.Response.StatusCode = status;
        var routes = new Hangfire.Dashboard.RouteCollection();
        routes.AddRazorPage("/", _ => new DashboardPage(title, body));
        return routes.FindDispatcher("/").Item1.Dispatch(context);
    }
}

using Hangfire.Dashboard;
using Scheduler.Web.Jobs;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// A job's file for the dashboard's download links. The API's files endpoint takes a bearer token, which a browser
/// following a link cannot send; this one takes the dashboard's sign-in and applies the same rules through
/// <see cref="JobFiles"/> (known job, path resolved inside the job's folder, symbolic links refused).
/// </summary>
internal sealed class JobFileDispatcher : IDashboardDispatcher
{
    public async Task Dispatch(DashboardContext context)
    {
        var http = context.GetHttpContext();
        var files = http.RequestServices.GetRequiredService<JobFiles>();
        var (file, contentType, problem) = await files.FindAsync(context.UriMatch.Groups["id"].Value, context.UriMatch.Groups["path"].Value, http.RequestAborted);
        IResult result = file is not null
            ? TypedResults.PhysicalFile(file.FullName, contentType, file.Name, file.LastWriteTimeUtc, enableRangeProcessing: true)
            : TypedResults.Problem(title: "Unknown job file", detail: problem, statusCode: StatusCodes.Status404NotFound);
        await result.ExecuteAsync(http);
    }
}

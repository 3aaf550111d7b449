namespace Scheduler.Web.Http;

/// <summary>
/// Headers every response carries, API and pages alike: no content sniffing, no referrer sent on from the dashboard's
/// links, and no page of the service inside another site's frame (click-jacking of the dashboard's buttons).
/// Set as the response starts, so that they survive the exception handler, which clears the headers it finds.
/// </summary>
internal static class SecurityHeaders
{
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        var response = context.Response;
        response.OnStarting(() =>
        {
            response.Headers.XContentTypeOptions = "nosniff";
            response.Headers["Referrer-Policy"] = "no-referrer";

            // DENY replaces the SAMEORIGIN that anti-forgery sets on the pages with a form: no page is meant to be framed.
            response.Headers.XFrameOptions = "DENY";
            if (!response.Headers.ContainsKey("Content-Security-Policy"))
            {
                response.Headers.ContentSecurityPolicy = "frame-ancestors 'none'";
            }

            return Task.CompletedTask;
        });
        return next(context);
    });
}

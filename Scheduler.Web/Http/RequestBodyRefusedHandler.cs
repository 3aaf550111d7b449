using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Web.Http;

/// <summary>
/// A body that Kestrel refuses while someone reads it (over the endpoint's size cap, cut off) is the client's problem,
/// answered with Kestrel's own status (413, 400) as a problem, never a 500. The anti-forgery check of a form post is
/// such a reader: it wraps Kestrel's exception in its own, so the whole chain is searched.
/// </summary>
internal sealed class RequestBodyRefusedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var refused = Chain(exception).OfType<BadHttpRequestException>().FirstOrDefault();
        if (refused is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = refused.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = refused.StatusCode, Title = "The request body was refused", Detail = refused.Message },
        });
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
        }
    }
}

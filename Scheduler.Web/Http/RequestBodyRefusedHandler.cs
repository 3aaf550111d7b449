using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Scheduler.Web.Http;

/// <summary>
/// A body that Kestrel refuses while someone reads it (over the endpoint's size cap, cut off) is the client's problem,
/// answered with Kestrel's own status (413, 400) as a problem, never a 500. The anti-forgery check of a form post is
/// such a reader: it wraps Kestrel's exception in its own, so the whole chain is searched. A form that the form reader
/// refuses (a NUL in a value, too many fields) is a 400 the same way.
/// </summary>
internal sealed class RequestBodyRefusedHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var form = httpContext.Request.HasFormContentType;
        var (status, detail) = Chain(exception)
            .Select(e => e switch
            {
                BadHttpRequestException refused => (refused.StatusCode, (string?)refused.Message),
                InvalidDataException unreadable when form => (StatusCodes.Status400BadRequest, unreadable.Message),
                _ => (0, null),
            })
            .FirstOrDefault(r => r.Item2 is not null);
        if (detail is null || httpContext.Response.HasStarted)
        {
            return false;
        }

        httpContext.Response.StatusCode = status;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            ProblemDetails = new ProblemDetails { Status = status, Title = "The request body was refused", Detail = detail },
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

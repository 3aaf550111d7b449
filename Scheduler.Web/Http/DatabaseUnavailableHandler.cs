using System.Globalization;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Http;

/// <summary>
/// A request that failed because the service's own database is away (restarting, unreachable, a connection cut) is a
/// 503 with <c>Retry-After</c>, a problem the client can act on by asking again, instead of a 500. Nothing was done
/// that a retry would double: a run request either made its job or failed before it, and its Idempotency-Key says which.
/// </summary>
internal sealed partial class DatabaseUnavailableHandler(IProblemDetailsService problems, ILogger<DatabaseUnavailableHandler> logger) : IExceptionHandler
{
    /// <summary>What <c>Retry-After</c> says: a restart of PostgreSQL takes seconds.</summary>
    public static readonly TimeSpan RetryAfter = TimeSpan.FromSeconds(5);

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (!InfrastructureFailure.IsDatabaseUnavailable(exception))
        {
            return false;
        }

        LogUnavailable(logger, httpContext.Request.Method, httpContext.Request.Path, exception.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = ((int)RetryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The service's database is unavailable",
                Detail = $"The request could not be completed because the service's database did not answer. Send it again in {RetryAfter.TotalSeconds:0} seconds.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Path} answered 503: the service's database is unavailable ({Reason})")]
    private static partial void LogUnavailable(ILogger logger, string method, PathString path, string reason);
}

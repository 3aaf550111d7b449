using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Accounts;
using Scheduler.Web.Http;

namespace Scheduler.Web.Jobs;

internal static class JobsApi
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization(Roles.CanRead);

        group.MapPost("/", async Task<Results<Accepted<JobAccepted>, Ok<JobAccepted>, ValidationProblem, ProblemHttpResult>> (
                HttpRequest request, JobLauncher launcher, CancellationToken cancellationToken) =>
            {
                var (body, invalid) = await JsonBody.ReadAsync(request, WebJsonContext.Default.RunJobRequest, RequestLimits.RunRequestBytes, cancellationToken);
                if (invalid is not null)
                {
                    return invalid;
                }

                var key = request.Headers[IdempotencyKeyHeader].ToString();
                if (key.Length > 200)
                {
                    return JsonBody.Invalid(IdempotencyKeyHeader, "the key is longer than 200 characters");
                }

                var launch = await launcher.LaunchAsync(body!, key.Length > 0 ? key : null, request.HttpContext.User.Identity?.Name, cancellationToken);
                if (launch.Conflict is { } conflict)
                {
                    if (launch.RetryAfter is { } retryAfter)
                    {
                        request.HttpContext.Response.Headers.RetryAfter = ((int)retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                    }

                    return TypedResults.Problem(title: "Idempotency-Key conflict", detail: conflict, statusCode: StatusCodes.Status409Conflict);
                }

                if (!launch.WorkflowFound)
                {
                    return TypedResults.Problem(
                        title: "Unknown workflow",
                        detail: $"There is no workflow named '{body!.Workflow}'.",
                        statusCode: StatusCodes.Status404NotFound);
                }

                return launch switch
                {
                    { JobId: { } jobId, Replayed: true } => TypedResults.Ok(new JobAccepted(jobId, "Queued")),
                    { JobId: { } jobId } => TypedResults.Accepted($"/api/jobs/{jobId}", new JobAccepted(jobId, "Queued")),
                    _ => TypedResults.ValidationProblem(launch.Problems),
                };
            })
            .Accepts<RunJobRequest>("application/json")
            .RequireAuthorization(Roles.CanOperate)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("RunJob");

        group.MapGet("/", async Task<Results<Ok<JobListResponse>, ValidationProblem>> (
                HttpRequest request, JobQueries queries, CancellationToken cancellationToken) =>
                JobListFilter.Parse(request.Query) is var (query, problems) && query is not null
                    ? TypedResults.Ok(await queries.ListAsync(query, cancellationToken))
                    : TypedResults.ValidationProblem(problems))
            .WithName("ListJobs");

        group.MapGet("/{id}", async Task<Results<Ok<JobDetailsResponse>, ProblemHttpResult>> (
                string id, JobQueries queries, CancellationToken cancellationToken) =>
                await queries.GetDetailsAsync(id, cancellationToken) is { } details ? TypedResults.Ok(details) : UnknownJob(id))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetJob");

        group.MapGet("/{id}/log", async Task<Results<Ok<JobLogResponse>, ProblemHttpResult>> (
                string id, JobQueries queries, CancellationToken cancellationToken) =>
                await queries.GetLogAsync(id, cancellationToken) is { } log ? TypedResults.Ok(log) : UnknownJob(id))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetJobLog");

        group.MapGet("/{id}/files", async Task<Results<Ok<JobFilesResponse>, ProblemHttpResult>> (
                string id, JobFiles files, CancellationToken cancellationToken) =>
                await files.ListAsync(id, cancellationToken) is { } list ? TypedResults.Ok(list) : UnknownJob(id))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("ListJobFiles");

        group.MapGet("/{id}/files/{**path}", async Task<Results<PhysicalFileHttpResult, ProblemHttpResult>> (
                string id, string path, JobFiles files, CancellationToken cancellationToken) =>
            {
                var (file, contentType, problem) = await files.FindAsync(id, path, cancellationToken);
                return file is not null
                    ? TypedResults.PhysicalFile(file.FullName, contentType, file.Name, file.LastWriteTimeUtc, enableRangeProcessing: true)
                    : TypedResults.Problem(title: "Unknown job file", detail: problem, statusCode: StatusCodes.Status404NotFound);
            })
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetJobFile");

        group.MapPost("/{id}/cancel", async Task<Results<Accepted<JobCancelResponse>, ProblemHttpResult>> (
                string id, ClaimsPrincipal user, JobControl control, CancellationToken cancellationToken) =>
                await control.CancelAsync(id, user.Identity?.Name, cancellationToken) switch
                {
                    { Outcome: JobControlOutcome.Done, Status: var status } => TypedResults.Accepted($"/api/jobs/{id}", new JobCancelResponse(id, status!)),
                    { Outcome: JobControlOutcome.UnknownJob } => UnknownJob(id),
                    var refused => WrongState("The job cannot be cancelled", refused.Detail),
                })
            .RequireAuthorization(Roles.CanOperate)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("CancelJob");

        group.MapPost("/{id}/retry", async Task<Results<Accepted<JobAccepted>, ValidationProblem, ProblemHttpResult>> (
                string id, ClaimsPrincipal user, JobControl control, CancellationToken cancellationToken) =>
                await control.RetryAsync(id, user.Identity?.Name, cancellationToken) switch
                {
                    { Outcome: JobControlOutcome.Done, Launch.JobId: { } jobId } => TypedResults.Accepted($"/api/jobs/{jobId}", new JobAccepted(jobId, "Queued")),
                    { Outcome: JobControlOutcome.UnknownJob } => UnknownJob(id),
                    { Outcome: JobControlOutcome.Refused, Launch: { } launch } => TypedResults.ValidationProblem(launch.Problems, title: $"The job {id} cannot run again as it was"),
                    var refused => WrongState("The job cannot be retried", refused.Detail),
                })
            .RequireAuthorization(Roles.CanOperate)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .ProducesProblem(StatusCodes.Status409Conflict)
            .WithName("RetryJob");

        // The product this service replaces answered at /api/Job/{id}/Status; routes match case-insensitively.
        foreach (var prefix in new[] { "/api/jobs", "/api/job" })
        {
            routes.MapGet($"{prefix}/{{id}}/status", async Task<Results<Ok<JobStatusResponse>, ProblemHttpResult>> (
                    string id, JobQueries queries, CancellationToken cancellationToken) =>
                    await queries.GetStatusAsync(id, cancellationToken) is { } status ? TypedResults.Ok(status) : UnknownJob(id))
                .WithTags("Jobs")
                .ProducesProblem(StatusCodes.Status404NotFound)
                .RequireAuthorization(Roles.CanRead);
        }

        return routes;
    }

    private static ProblemHttpResult UnknownJob(string id) =>
        TypedResults.Problem(title: "Unknown job", detail: $"There is no job with the id '{id}'.", statusCode: StatusCodes.Status404NotFound);

    private static ProblemHttpResult WrongState(string title, string? detail) =>
        TypedResults.Problem(title: title, detail: detail, statusCode: StatusCodes.Status409Conflict);
}

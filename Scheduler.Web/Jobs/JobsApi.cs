using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Accounts;
using Scheduler.Web.Http;

namespace Scheduler.Web.Jobs;

public static class JobsApi
{
    public static IEndpointRouteBuilder MapJobs(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/jobs").WithTags("Jobs").RequireAuthorization(Roles.CanRead);

        group.MapPost("/", async Task<Results<Accepted<JobAccepted>, ValidationProblem, ProblemHttpResult>> (
                HttpRequest request, JobLauncher launcher, CancellationToken cancellationToken) =>
            {
                var (body, invalid) = await JsonBody.ReadAsync(request, WebJsonContext.Default.RunJobRequest, cancellationToken);
                if (invalid is not null)
                {
                    return invalid;
                }

                var launch = await launcher.LaunchAsync(body!, cancellationToken);
                if (!launch.WorkflowFound)
                {
                    return TypedResults.Problem(
                        title: "Unknown workflow",
                        detail: $"There is no workflow named '{body!.Workflow}'.",
                        statusCode: StatusCodes.Status404NotFound);
                }

                return launch.JobId is { } jobId
                    ? TypedResults.Accepted($"/api/jobs/{jobId}", new JobAccepted(jobId, "Queued"))
                    : TypedResults.ValidationProblem(launch.Problems);
            })
            .Accepts<RunJobRequest>("application/json")
            .RequireAuthorization(Roles.CanOperate)
            .WithName("RunJob");

        group.MapGet("/{id}", async Task<Results<Ok<JobDetailsResponse>, ProblemHttpResult>> (
                string id, JobQueries queries, CancellationToken cancellationToken) =>
                await queries.GetDetailsAsync(id, cancellationToken) is { } details ? TypedResults.Ok(details) : UnknownJob(id))
            .WithName("GetJob");

        // The product this service replaces answered at /api/Job/{id}/Status; routes match case-insensitively.
        foreach (var prefix in new[] { "/api/jobs", "/api/job" })
        {
            routes.MapGet($"{prefix}/{{id}}/status", async Task<Results<Ok<JobStatusResponse>, ProblemHttpResult>> (
                    string id, JobQueries queries, CancellationToken cancellationToken) =>
                    await queries.GetStatusAsync(id, cancellationToken) is { } status ? TypedResults.Ok(status) : UnknownJob(id))
                .WithTags("Jobs")
                .RequireAuthorization(Roles.CanRead);
        }

        return routes;
    }

    private static ProblemHttpResult UnknownJob(string id) =>
        TypedResults.Problem(title: "Unknown job", detail: $"There is no job with the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}

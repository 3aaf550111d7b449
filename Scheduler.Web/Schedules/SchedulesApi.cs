using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Web.Accounts;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Triggers;

namespace Scheduler.Web.Schedules;

internal static class SchedulesApi
{
    public static IEndpointRouteBuilder MapSchedules(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/api/schedules").WithTags("Schedules").RequireAuthorization(Roles.CanRead);

        group.MapGet("/", async (RecurringSchedules schedules, CancellationToken cancellationToken) =>
                TypedResults.Ok(await schedules.ListAsync(cancellationToken)))
            .WithName("ListSchedules");

        group.MapGet("/{id}", async Task<Results<Ok<ScheduleResponse>, ProblemHttpResult>> (
                string id, RecurringSchedules schedules, CancellationToken cancellationToken) =>
                await schedules.FindAsync(id, cancellationToken) is { } schedule ? TypedResults.Ok(schedule) : UnknownSchedule(id))
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("GetSchedule");

        group.MapPut("/{id}", async Task<Results<Created<ScheduleResponse>, Ok<ScheduleResponse>, ValidationProblem, ProblemHttpResult>> (
                string id, HttpRequest request, RecurringSchedules schedules, CancellationToken cancellationToken) =>
            {
                // What a GET answered may be sent back as it is: its read-only members (id, nextRun, lastRun...) are skipped.
                var (body, invalid) = await JsonBody.ReadAsync(
                    request, WebJsonContext.Default.ScheduleRequest, RequestLimits.ScheduleBytes, cancellationToken, echoed: WebJsonContext.Default.ScheduleResponse);
                if (invalid is not null)
                {
                    return invalid;
                }

                var save = await schedules.SaveAsync(id, body!, cancellationToken);
                if (save.Schedule is not { } saved)
                {
                    return TypedResults.ValidationProblem(save.Problems);
                }

                return save.Created ? TypedResults.Created($"/api/schedules/{saved.Id}", saved) : TypedResults.Ok(saved);
            })
            .Accepts<ScheduleRequest>("application/json")
            .RequireAuthorization(Roles.CanOperate)
            .WithName("SaveSchedule");

        group.MapDelete("/{id}", async Task<Results<NoContent, ProblemHttpResult>> (string id, RecurringSchedules schedules, CancellationToken cancellationToken) =>
                await schedules.DeleteAsync(id, cancellationToken) ? TypedResults.NoContent() : UnknownSchedule(id))
            .RequireAuthorization(Roles.CanOperate)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("DeleteSchedule");

        group.MapPost("/{id}/trigger", Results<Accepted<JobAccepted>, Accepted<SchedulePollAccepted>, ProblemHttpResult> (string id, RecurringSchedules schedules) =>
                schedules.Trigger(id) switch
                {
                    { IsPoll: true } => TypedResults.Accepted($"/api/schedules/{id}", new SchedulePollAccepted(id, "Polling")),
                    { JobId: var jobId } => TypedResults.Accepted($"/api/jobs/{jobId}", new JobAccepted(jobId, "Queued")),
                    null => UnknownSchedule(id),
                })
            .RequireAuthorization(Roles.CanOperate)
            .ProducesProblem(StatusCodes.Status404NotFound)
            .WithName("TriggerSchedule");

        return routes;
    }

    private static ProblemHttpResult UnknownSchedule(string id) =>
        TypedResults.Problem(title: "Unknown schedule", detail: $"There is no schedule with the id '{id}'.", statusCode: StatusCodes.Status404NotFound);
}

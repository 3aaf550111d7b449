using Scheduler.Web.Jobs;
using Scheduler.Workflows.Binding;

namespace Scheduler.Web.Schedules;

/// <summary>
/// The body of <c>PUT /api/schedules/{id}</c>: <c>{"workflow":"orders-import","cron":"0 2 * * *","timeZone":"Europe/Berlin",
/// "parameters":[...],"enabled":true}</c>. The time zone defaults to UTC, enabled to true.
/// </summary>
internal sealed record ScheduleRequest(
    string? Workflow, string? Cron, string? TimeZone, IReadOnlyList<RunJobParameter?>? Parameters, bool? Enabled);

/// <summary>A schedule as saved, with what Hangfire knows of its runs.</summary>
internal sealed record ScheduleResponse(
    string Id,
    string Workflow,
    string Cron,
    string TimeZone,
    bool Enabled,
    IReadOnlyList<ParameterAssignment> Parameters,
    DateTimeOffset? NextRun,
    DateTimeOffset? LastRun,
    string? LastJobId,
    string? LastJobStatus,
    string? Error);

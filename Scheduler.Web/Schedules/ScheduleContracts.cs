using System.Text.Json.Serialization;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Binding;

namespace Scheduler.Web.Schedules;

/// <summary>
/// The body of <c>PUT /api/schedules/{id}</c>: <c>{"workflow":"orders-import","cron":"0 2 * * *","timeZone":"Europe/Berlin",
/// "parameters":[...],"enabled":true}</c>. The time zone defaults to UTC, enabled to true. A file-drop schedule gives a
/// <see cref="Trigger"/> instead of the cron and time zone. Members of <see cref="ScheduleResponse"/> are skipped, so that
/// what a GET answered can be sent back; any other member is refused (<c>Http/BodyShape.cs</c>).
/// </summary>
internal sealed record ScheduleRequest(
    string? Workflow, string? Cron, string? TimeZone, IReadOnlyList<RunJobParameter?>? Parameters, bool? Enabled)
{
    public FileDropTrigger? Trigger { get; init; }
}

/// <summary>
/// A file-drop trigger: <c>{"type":"FileDropped","connection":"Drops","path":"in/*.csv","pollInterval":30,
/// "variable":"sourceFilePath"}</c>. Every new file matching the path on the connection (Local, FTP, FTPS, SFTP)
/// starts one job; <see cref="PollInterval"/> is in seconds; <see cref="Variable"/>, when given, names the
/// workflow's string variable that receives the file's path.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record FileDropTrigger(string? Type, string? Connection, string? Path, int? PollInterval, string? Variable)
{
    public const string FileDropped = "FileDropped";
}

/// <summary>The answer to triggering a file-drop schedule: its folder is polled at once, and the jobs it starts show in the schedule.</summary>
internal sealed record SchedulePollAccepted(string ScheduleId, string Status);

/// <summary>A schedule as saved, with what Hangfire knows of its runs; a file-drop schedule has a trigger and no cron.</summary>
internal sealed record ScheduleResponse(
    string Id,
    string Workflow,
    string? Cron,
    string TimeZone,
    bool Enabled,
    IReadOnlyList<ParameterAssignment> Parameters,
    DateTimeOffset? NextRun,
    DateTimeOffset? LastRun,
    string? LastJobId,
    string? LastJobStatus,
    string? Error)
{
    public FileDropTrigger? Trigger { get; init; }
}

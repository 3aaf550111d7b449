using System.Text.Json;
using System.Text.Json.Serialization;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>The body of <c>POST /api/jobs</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RunJobRequest(string? Workflow, IReadOnlyList<RunJobParameter?>? Parameters);

/// <summary>One parameter: <c>{"actionName":"Variables","parameters":"sourceFilePath","value":"in/orders.csv"}</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed record RunJobParameter(string? ActionName, string? Parameters, JsonElement Value);

internal sealed record JobAccepted(string JobId, string Status);

internal sealed record JobStatusResponse(string JobId, string Status, string? State);

internal sealed record JobDetailsResponse(
    string JobId,
    string Workflow,
    string Status,
    string? State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<ParameterAssignment> Parameters,
    IReadOnlyList<StepResponse> Steps,
    int? WorkflowVersion,
    string? RetryOf,
    IReadOnlyDictionary<string, object?> Outputs,
    int? Attempt,
    string? Node,
    JobInterruption? Interruption);

internal sealed record StepResponse(
    string Name,
    string Type,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    IReadOnlyDictionary<string, object?> Outputs,
    string? Error);

/// <summary>One job of <c>GET /api/jobs</c>: its record without the steps, secret parameters masked.</summary>
internal sealed record JobSummary(
    string JobId,
    string Workflow,
    int? WorkflowVersion,
    string Status,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<ParameterAssignment> Parameters,
    string? RetryOf);

/// <summary>A page of jobs, newest first, and how many match the filters in all.</summary>
internal sealed record JobListResponse(IReadOnlyList<JobSummary> Jobs, long Total, int Limit, int Offset);

/// <summary>The answer to a cancel: <c>Cancelled</c> when the job had not started, <c>Cancelling</c> while a running one stops.</summary>
internal sealed record JobCancelResponse(string JobId, string Status);

/// <summary>The job's own log, oldest line first, secret values masked.</summary>
internal sealed record JobLogResponse(string JobId, IReadOnlyList<JobLogLine> Lines);

/// <summary>The files in a job's folder, paths relative to it with <c>/</c> separators.</summary>
internal sealed record JobFilesResponse(string JobId, IReadOnlyList<JobFile> Files);

internal sealed record JobFile(string Path, long Size, DateTimeOffset LastModified);

using System.Text.Json;
using Scheduler.Workflows.Binding;

namespace Scheduler.Web.Jobs;

/// <summary>The body of <c>POST /api/jobs</c>.</summary>
public sealed record RunJobRequest(string? Workflow, IReadOnlyList<RunJobParameter?>? Parameters);

/// <summary>One parameter: <c>{"actionName":"Variables","parameters":"sourceFilePath","value":"in/orders.csv"}</c>.</summary>
public sealed record RunJobParameter(string? ActionName, string? Parameters, JsonElement Value);

public sealed record JobAccepted(string JobId, string Status);

public sealed record JobStatusResponse(string JobId, string Status, string? State);

public sealed record JobDetailsResponse(
    string JobId,
    string Workflow,
    string Status,
    string? State,
    DateTimeOffset CreatedAt,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    string? Error,
    IReadOnlyList<ParameterAssignment> Parameters,
    IReadOnlyList<StepResponse> Steps);

public sealed record StepResponse(
    string Name,
    string Type,
    string Status,
    DateTimeOffset? StartedAt,
    DateTimeOffset? FinishedAt,
    double? DurationSeconds,
    IReadOnlyDictionary<string, object?> Outputs,
    string? Error);

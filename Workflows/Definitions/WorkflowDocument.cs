using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheduler.Workflows.Definitions;

// The JSON document as written, every member optional, so that a missing member becomes a listed problem
// with its path instead of a deserialization exception that stops at the first one. An unknown member is refused:
// a misspelled "dependsOn" must not silently drop a dependency.
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class WorkflowDocument
{
    public string? Name { get; set; }

    public string? Description { get; set; }

    public List<VariableDocument?>? Variables { get; set; }

    public List<TaskDocument?>? Tasks { get; set; }

    public List<OutputDocument?>? Outputs { get; set; }

    public int? MaxParallelism { get; set; }

    public double? TimeoutSeconds { get; set; }

    public List<TaskDocument?>? OnFailure { get; set; }

    public List<TaskDocument?>? OnSuccess { get; set; }

    public List<TaskDocument?>? OnFinished { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class VariableDocument
{
    public string? Name { get; set; }

    public string? Type { get; set; }

    public bool Required { get; set; }

    public JsonElement? Default { get; set; }

    public string? Description { get; set; }

    public bool Secret { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class TaskDocument
{
    public string? Name { get; set; }

    public string? Type { get; set; }

    /// <summary>Each item is a task name, or <c>{"task": "...", "on": "succeeded|failed|finished|true|false"}</c>.</summary>
    public List<JsonElement>? DependsOn { get; set; }

    public Dictionary<string, JsonElement>? Inputs { get; set; }

    /// <summary>The inputs a run request may set for this task, by name.</summary>
    public List<string?>? Overridable { get; set; }

    public RetryDocument? Retry { get; set; }

    public double? TimeoutSeconds { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class RetryDocument
{
    public int Count { get; set; }

    public double DelaySeconds { get; set; }

    public double Backoff { get; set; } = 1;
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class OutputDocument
{
    public string? Name { get; set; }

    public string? Type { get; set; }

    public string? Value { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(WorkflowDocument))]
internal sealed partial class WorkflowDocumentJsonContext : JsonSerializerContext;

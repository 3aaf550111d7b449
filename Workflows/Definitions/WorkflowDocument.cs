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
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class VariableDocument
{
    public string? Name { get; set; }

    public string? Type { get; set; }

    public bool Required { get; set; }

    public JsonElement? Default { get; set; }

    public string? Description { get; set; }
}

[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
internal sealed class TaskDocument
{
    public string? Name { get; set; }

    public string? Type { get; set; }

    public List<string?>? DependsOn { get; set; }

    public Dictionary<string, JsonElement>? Inputs { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(WorkflowDocument))]
internal sealed partial class WorkflowDocumentJsonContext : JsonSerializerContext;

using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheduler.Dataflows.Definitions;

[JsonSourceGenerationOptions(
    PropertyNameCaseInsensitive = true,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    UseStringEnumConverter = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    WriteIndented = true)]
[JsonSerializable(typeof(DataflowDefinition))]
internal sealed partial class DataflowJsonContext : JsonSerializerContext;

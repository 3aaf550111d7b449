using System.Text.Json.Serialization;

namespace Scheduler.Workflows.Definitions;

[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class ScalarJsonContext : JsonSerializerContext;

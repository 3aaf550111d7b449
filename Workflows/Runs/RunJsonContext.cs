using System.Text.Json;
using System.Text.Json.Serialization;
using Scheduler.Workflows.Binding;

namespace Scheduler.Workflows.Runs;

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(IReadOnlyList<ParameterAssignment>))]
[JsonSerializable(typeof(IReadOnlyDictionary<string, object?>))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(long))]
[JsonSerializable(typeof(decimal))]
[JsonSerializable(typeof(bool))]
[JsonSerializable(typeof(DateTimeOffset))]
// StringList outputs and values (FileTransfer's localPaths, names, ...) are List<string> at run time.
[JsonSerializable(typeof(List<string>))]
internal sealed partial class RunJsonContext : JsonSerializerContext;

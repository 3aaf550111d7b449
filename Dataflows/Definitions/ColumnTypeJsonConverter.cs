using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Reads column types by their camelCase names in any case (the built-in converter is case-sensitive for renamed members).</summary>
internal sealed class ColumnTypeJsonConverter : JsonConverter<ColumnType>
{
    public override ColumnType Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var text = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
        foreach (var type in Enum.GetValues<ColumnType>())
        {
            if (string.Equals(ColumnTypeNames.Of(type), text, StringComparison.OrdinalIgnoreCase))
            {
                return type;
            }
        }

        throw new JsonException($"unknown type '{text}'; valid: {string.Join(", ", ColumnTypeNames.All)}");
    }

    public override void Write(Utf8JsonWriter writer, ColumnType value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteStringValue(ColumnTypeNames.Of(value));
    }
}

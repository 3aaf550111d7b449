using System.Text.Json;
using System.Text.Json.Serialization;

namespace Scheduler.Web.Http;

/// <summary>Reads <c>true/false</c>, <c>1/0</c> and their string forms, as clients of the product we replace send both.</summary>
internal sealed class LenientBooleanConverter : JsonConverter<bool>
{
    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False => false,
        JsonTokenType.Null => false,
        JsonTokenType.Number when reader.TryGetInt32(out var n) && n is 0 or 1 => n == 1,
        JsonTokenType.String => reader.GetString()?.Trim().ToLowerInvariant() switch
        {
            "true" or "1" => true,
            "false" or "0" or "" => false,
            var other => throw new JsonException($"'{other}' is not a boolean; use true, false, 1 or 0"),
        },
        _ => throw new JsonException("expected true, false, 1 or 0"),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}

using System.Text.Json;
using Scheduler.Dataflows.Json;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// The stored form of a definition document: compact JSON without comments, so that a file re-read unchanged at
/// start-up compares equal to the version it made, whatever its layout.
/// </summary>
public static class DefinitionDocument
{
    /// <summary>The compact form, or null when the text is not JSON (its loader then says where and why).</summary>
    public static string? Normalize(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json, LenientJson.DocumentOptions);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer))
            {
                document.RootElement.WriteTo(writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

using System.Text.Json;
using Scheduler.Dataflows.Destinations;
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

    /// <summary>
    /// Where the document holds a string PostgreSQL cannot store, and why: an escaped NUL, which its jsonb refuses,
    /// or an escaped lone surrogate, which .NET cannot even read back. Null when it holds none or is not JSON (its
    /// loader says why). The request check refuses these in API bodies.
    /// </summary>
    public static string? UnstorableText(string json)
    {
        try
        {
            using var parsed = JsonDocument.Parse(json, LenientJson.DocumentOptions);
            return UnstorableText(parsed.RootElement, "$");
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static string? UnstorableText(JsonElement element, string path) => element.ValueKind switch
    {
        JsonValueKind.String => Problem(element.GetString, path),
        JsonValueKind.Array => element.EnumerateArray().Select((item, i) => UnstorableText(item, $"{path}[{i}]")).FirstOrDefault(p => p is not null),
        JsonValueKind.Object => element.EnumerateObject()
            .Select(member => Problem(() => member.Name, $"{path} (a property name)") ?? UnstorableText(member.Value, $"{path}.{member.Name}"))
            .FirstOrDefault(p => p is not null),
        _ => null,
    };

    private static string? Problem(Func<string?> read, string path)
    {
        try
        {
            return PostgresText.Problem(read()!) is { } problem ? $"{path}: {problem}" : null;
        }
        catch (InvalidOperationException)
        {
            return $"{path}: the value holds a lone surrogate, which is not Unicode";
        }
    }
}

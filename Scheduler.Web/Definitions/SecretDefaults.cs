using System.Text.Json;
using System.Text.Json.Nodes;
using Scheduler.Dataflows.Json;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Definitions;

/// <summary>
/// The defaults that workflow documents give their secret variables, shown nowhere: the API and the dashboard show a
/// mask in their place, and a document sent back with the mask keeps the default it stands for. Any variable that
/// says <c>secret</c> with a value other than <c>false</c> counts, whatever the case of the member names, because the
/// loader reads them case-insensitively.
/// </summary>
internal static class SecretDefaults
{
    public const string Mask = SecretReference.Mask;

    /// <summary>
    /// The workflow document with every secret variable's default written as the mask; null when it is not JSON. A
    /// member written twice is written (and masked) twice, so that an ambiguous document shows no value either way.
    /// </summary>
    public static string? Masked(string document, JsonWriterOptions options = default)
    {
        try
        {
            using var parsed = JsonDocument.Parse(document, LenientJson.DocumentOptions);
            var buffer = new System.Buffers.ArrayBufferWriter<byte>();
            using (var writer = new Utf8JsonWriter(buffer, options))
            {
                WriteWorkflow(parsed.RootElement, writer);
            }

            return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Gives each secret variable of <paramref name="workflow"/> whose default is the mask the default that the same
    /// variable has in <paramref name="stored"/> (the version it replaces), and returns a problem for each mask with
    /// no default behind it. A document that is not a JSON object is left to the loader's checks.
    /// </summary>
    public static IReadOnlyList<DefinitionProblem> Restore(JsonNode? workflow, string? stored)
    {
        var problems = new List<DefinitionProblem>();
        if (workflow is not JsonObject document || Member(document, "variables") is not JsonArray variables)
        {
            return problems;
        }

        var kept = StoredDefaults(stored);
        for (var i = 0; i < variables.Count; i++)
        {
            if (variables[i] is not JsonObject variable || !IsSecret(variable))
            {
                continue;
            }

            foreach (var name in variable.Select(p => p.Key).Where(k => IsNamed(k, "default")).ToList())
            {
                if (variable[name] is JsonValue value && value.TryGetValue<string>(out var text) && text == Mask)
                {
                    if (Member(variable, "name")?.GetValueKind() == JsonValueKind.String
                        && kept.TryGetValue(Member(variable, "name")!.GetValue<string>(), out var original))
                    {
                        variable[name] = original.DeepClone();
                    }
                    else
                    {
                        problems.Add(new($"$.variables[{i}].{name}",
                            $"'{Mask}' stands for the default this secret variable has in the version it replaces, which has none; give the value itself"));
                    }
                }
            }
        }

        return problems;
    }

    /// <summary>The defaults of the stored version's secret variables, by variable name.</summary>
    private static Dictionary<string, JsonNode> StoredDefaults(string? stored)
    {
        var defaults = new Dictionary<string, JsonNode>(StringComparer.OrdinalIgnoreCase);
        try
        {
            if (stored is not null && JsonNode.Parse(stored, documentOptions: LenientJson.DocumentOptions) is JsonObject document
                && Member(document, "variables") is JsonArray variables)
            {
                foreach (var variable in variables.OfType<JsonObject>().Where(IsSecret))
                {
                    if (Member(variable, "name") is JsonValue name && name.TryGetValue<string>(out var key) && Member(variable, "default") is { } value)
                    {
                        defaults.TryAdd(key, value);
                    }
                }
            }
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // A stored version that cannot be read unambiguously keeps nothing: its masks must be given again.
        }

        return defaults;
    }

    private static void WriteWorkflow(JsonElement workflow, Utf8JsonWriter writer)
    {
        if (workflow.ValueKind != JsonValueKind.Object)
        {
            workflow.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var member in workflow.EnumerateObject())
        {
            writer.WritePropertyName(member.Name);
            if (IsNamed(member.Name, "variables") && member.Value.ValueKind == JsonValueKind.Array)
            {
                writer.WriteStartArray();
                foreach (var variable in member.Value.EnumerateArray())
                {
                    WriteVariable(variable, writer);
                }

                writer.WriteEndArray();
            }
            else
            {
                member.Value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static void WriteVariable(JsonElement variable, Utf8JsonWriter writer)
    {
        if (variable.ValueKind != JsonValueKind.Object
            || !variable.EnumerateObject().Any(m => IsNamed(m.Name, "secret") && m.Value.ValueKind != JsonValueKind.False))
        {
            variable.WriteTo(writer);
            return;
        }

        writer.WriteStartObject();
        foreach (var member in variable.EnumerateObject())
        {
            writer.WritePropertyName(member.Name);
            if (IsNamed(member.Name, "default"))
            {
                writer.WriteStringValue(Mask);
            }
            else
            {
                member.Value.WriteTo(writer);
            }
        }

        writer.WriteEndObject();
    }

    private static bool IsSecret(JsonObject variable) =>
        variable.Any(p => IsNamed(p.Key, "secret") && p.Value?.GetValueKind() != JsonValueKind.False);

    private static JsonNode? Member(JsonObject node, string name) => node.FirstOrDefault(p => IsNamed(p.Key, name)).Value;

    private static bool IsNamed(string member, string name) => member.Equals(name, StringComparison.OrdinalIgnoreCase);
}

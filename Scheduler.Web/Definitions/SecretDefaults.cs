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
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // Not JSON, or a name the writer refuses to write again: nothing of it is shown.
            return null;
        }
    }

    /// <summary>
    /// Gives each variable of <paramref name="workflow"/> that the loader takes for secret (<paramref name="secret"/>,
    /// by name) and whose default is the mask the default that the same variable has in <paramref name="stored"/>, the
    /// version it replaces. A mask with no default behind it stays, for <see cref="MaskedDefaults"/> to report.
    /// </summary>
    public static void Restore(JsonNode? workflow, string? stored, IReadOnlySet<string> secret)
    {
        if (workflow is not JsonObject document || Member(document, "variables") is not JsonArray variables)
        {
            return;
        }

        var kept = StoredDefaults(stored);
        foreach (var variable in variables.OfType<JsonObject>())
        {
            if (Member(variable, "name") is JsonValue named && named.TryGetValue<string>(out var name) && secret.Contains(name)
                && kept.TryGetValue(name, out var original))
            {
                foreach (var key in variable.Select(p => p.Key).Where(k => IsNamed(k, "default")).ToList())
                {
                    if (variable[key] is JsonValue value && value.TryGetValue<string>(out var text) && text == Mask)
                    {
                        variable[key] = original.DeepClone();
                    }
                }
            }
        }
    }

    /// <summary>
    /// A problem for each default of a secret variable that is still the mask, however it is written (escaped, or in a
    /// member written twice): the mask is never saved as a default.
    /// </summary>
    public static IReadOnlyList<DefinitionProblem> MaskedDefaults(string json)
    {
        var problems = new List<DefinitionProblem>();
        try
        {
            using var parsed = JsonDocument.Parse(json, LenientJson.DocumentOptions);
            if (parsed.RootElement.ValueKind != JsonValueKind.Object)
            {
                return problems;
            }

            foreach (var variables in parsed.RootElement.EnumerateObject().Where(m => IsNamed(m.Name, "variables") && m.Value.ValueKind == JsonValueKind.Array))
            {
                var i = 0;
                foreach (var variable in variables.Value.EnumerateArray())
                {
                    if (IsSecret(variable))
                    {
                        problems.AddRange(variable.EnumerateObject()
                            .Where(m => IsNamed(m.Name, "default") && m.Value.ValueKind == JsonValueKind.String && m.Value.GetString() == Mask)
                            .Select(m => new DefinitionProblem($"$.variables[{i}].{m.Name}",
                                $"'{Mask}' stands for the default this secret variable has in the version it replaces, which has none; give the value itself")));
                    }

                    i++;
                }
            }
        }
        catch (JsonException)
        {
            // Not JSON: the loader says so.
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
        if (!IsSecret(variable))
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

    private static bool IsSecret(JsonElement variable) =>
        variable.ValueKind == JsonValueKind.Object && variable.EnumerateObject().Any(m => IsNamed(m.Name, "secret") && m.Value.ValueKind != JsonValueKind.False);

    private static bool IsSecret(JsonObject variable) =>
        variable.Any(p => IsNamed(p.Key, "secret") && p.Value?.GetValueKind() != JsonValueKind.False);

    private static JsonNode? Member(JsonObject node, string name) => node.FirstOrDefault(p => IsNamed(p.Key, name)).Value;

    private static bool IsNamed(string member, string name) => member.Equals(name, StringComparison.OrdinalIgnoreCase);
}

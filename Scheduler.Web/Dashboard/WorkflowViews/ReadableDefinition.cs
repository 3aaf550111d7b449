using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// A stored workflow document as people compare it: indented, one value a line, and the default of every secret
/// variable replaced by a mask. Any variable that says <c>secret</c> with a value other than <c>false</c> counts,
/// whatever the case of the member names, because the loader reads them case-insensitively.
/// </summary>
internal static class ReadableDefinition
{
    public const string Mask = "***";

    // The page encodes every line as HTML: JSON's own escaping of non-ASCII text would only make names unreadable.
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<string> Lines(string document)
    {
        try
        {
            var root = JsonNode.Parse(document);
            if (root is JsonObject workflow && Member(workflow, "variables") is JsonArray variables)
            {
                foreach (var variable in variables.OfType<JsonObject>())
                {
                    MaskDefault(variable);
                }
            }

            return root?.ToJsonString(Indented).Split('\n') ?? ["null"];
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Stored versions are JSON; this only keeps a damaged row, or a member written twice (which JsonNode reads
            // lazily, so the error can come from any line above), from taking the page down or showing a secret.
            return ["(this version is not valid JSON)"];
        }
    }

    private static void MaskDefault(JsonObject variable)
    {
        if (variable.Any(p => p.Key.Equals("secret", StringComparison.OrdinalIgnoreCase) && p.Value?.GetValueKind() != JsonValueKind.False))
        {
            foreach (var name in variable.Select(p => p.Key).Where(k => k.Equals("default", StringComparison.OrdinalIgnoreCase)).ToList())
            {
                variable[name] = Mask;
            }
        }
    }

    private static JsonNode? Member(JsonObject node, string name) =>
        node.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

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
        JsonNode? root;
        try
        {
            root = JsonNode.Parse(document);
        }
        catch (Exception e) when (e is JsonException or ArgumentException)
        {
            // Stored versions are JSON; this only keeps a damaged row (or a member written twice) from taking the page down.
            return ["(this version is not valid JSON)"];
        }

        if (root is JsonObject workflow && Member(workflow, "variables") is JsonArray variables)
        {
            foreach (var variable in variables.OfType<JsonObject>())
            {
                if (Member(variable, "secret") is { } secret && secret.GetValueKind() != JsonValueKind.False)
                {
                    foreach (var name in variable.Select(p => p.Key).Where(k => k.Equals("default", StringComparison.OrdinalIgnoreCase)).ToList())
                    {
                        variable[name] = Mask;
                    }
                }
            }
        }

        return root?.ToJsonString(Indented).Split('\n') ?? ["null"];
    }

    private static JsonNode? Member(JsonObject node, string name) =>
        node.FirstOrDefault(p => p.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;
}

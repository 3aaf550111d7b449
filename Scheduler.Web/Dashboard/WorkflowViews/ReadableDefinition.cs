using System.Text.Encodings.Web;
using System.Text.Json;
using Scheduler.Web.Definitions;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// A stored workflow document as people compare it: indented, one value a line, and the default of every secret
/// variable replaced by a mask (<see cref="SecretDefaults"/>).
/// </summary>
internal static class ReadableDefinition
{
    // The page encodes every line as HTML: JSON's own escaping of non-ASCII text would only make names unreadable.
    private static readonly JsonWriterOptions Indented = new() { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<string> Lines(string document) =>
        SecretDefaults.Masked(document, Indented) is { } masked ? masked.Split('\n') : ["(this version is not valid JSON)"];
}

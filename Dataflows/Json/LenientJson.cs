using System.Text.Json;

namespace Scheduler.Dataflows.Json;

/// <summary>
/// How definition documents are read: people write them by hand, so comments and trailing commas are accepted. The
/// serializer contexts that read definitions (<c>DataflowJsonContext</c>, <c>WorkflowDocumentJsonContext</c>) declare the
/// same two settings in their attributes, which take constants only.
/// </summary>
public static class LenientJson
{
    public static JsonDocumentOptions DocumentOptions { get; } = new() { AllowTrailingCommas = true, CommentHandling = JsonCommentHandling.Skip };
}

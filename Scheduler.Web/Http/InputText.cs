using Scheduler.Dataflows.Destinations;

namespace Scheduler.Web.Http;

/// <summary>
/// Text that no storage of the service can keep: PostgreSQL refuses NUL in text and JSON, and a lone surrogate
/// cannot be encoded as UTF-8. Such text is refused where it enters (bodies, route values, query strings).
/// </summary>
internal static class InputText
{
    /// <summary>Why the text cannot be accepted, or null when it can.</summary>
    public static string? Problem(string text) =>
        PostgresText.FirstUnstorable(text) is var at && at < 0 ? null
            : text[at] == '\0' ? $"contains a NUL character (U+0000) at position {at}"
            : $"contains a lone surrogate (U+{(int)text[at]:X4}) at position {at}, which is not valid Unicode";
}

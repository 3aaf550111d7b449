namespace Scheduler.Web.Http;

/// <summary>
/// Text that no storage of the service can keep: PostgreSQL refuses NUL in text and JSON, and a lone surrogate
/// cannot be encoded as UTF-8. Such text is refused where it enters (bodies, route values, query strings).
/// </summary>
internal static class InputText
{
    /// <summary>Why the text cannot be accepted, or null when it can.</summary>
    public static string? Problem(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\0')
            {
                return $"contains a NUL character (U+0000) at position {i}";
            }

            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return $"contains a lone surrogate (U+{(int)text[i]:X4}) at position {i}, which is not valid Unicode";
            }
        }

        return null;
    }
}

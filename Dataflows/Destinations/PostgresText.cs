using System.Text;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// Text that PostgreSQL cannot store: the NUL character, which its text types refuse, and a lone surrogate (a JSON
/// value's <c>"\ud800"</c>), which is not Unicode and which Npgsql will not encode as UTF-8.
/// </summary>
public static class PostgresText
{
    private const char Replacement = '\uFFFD';

    /// <summary>Why PostgreSQL cannot store the text, or null when it can. The reason never quotes the text, which would carry the character on.</summary>
    public static string? Problem(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var span = text.AsSpan();
        if (span.Contains('\0'))
        {
            return "the value holds the NUL character (U+0000), which PostgreSQL cannot store in text";
        }

        return LoneSurrogate(span) is { } at ? $"the value holds a lone surrogate (U+{(int)span[at]:X4}), which is not Unicode" : null;
    }

    /// <summary>
    /// The text with each character PostgreSQL cannot store replaced by U+FFFD: for what the service writes about a
    /// job (errors, log lines), which may quote a hostile input and must still be written.
    /// </summary>
    public static string Storable(string text)
    {
        if (Problem(text) is null)
        {
            return text;
        }

        var storable = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                storable.Append(text, i++, 2);
            }
            else
            {
                storable.Append(text[i] == '\0' || char.IsSurrogate(text[i]) ? Replacement : text[i]);
            }
        }

        return storable.ToString();
    }

    private static int? LoneSurrogate(ReadOnlySpan<char> span)
    {
        // The vectorised search first: text without surrogates, nearly all of it, costs no more than that.
        for (var i = span.IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < span.Length; i++)
        {
            if (char.IsHighSurrogate(span[i]) && i + 1 < span.Length && char.IsLowSurrogate(span[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(span[i]))
            {
                return i;
            }
        }

        return null;
    }
}

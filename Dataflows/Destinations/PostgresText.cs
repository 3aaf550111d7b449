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
        var at = FirstUnstorable(text);
        if (at < 0)
        {
            return null;
        }

        // A NUL is named first, wherever it is.
        return text.AsSpan(at).Contains('\0')
            ? "the value holds the NUL character (U+0000), which PostgreSQL cannot store in text"
            : $"the value holds a lone surrogate (U+{(int)text[at]:X4}), which is not Unicode";
    }

    /// <summary>
    /// The text with each character PostgreSQL cannot store replaced by U+FFFD: for what the service writes about a
    /// job (errors, log lines, outputs), which may quote a hostile input and must still be written.
    /// </summary>
    public static string Storable(string text)
    {
        var at = FirstUnstorable(text);
        if (at < 0)
        {
            return text;
        }

        var storable = text.ToCharArray();
        while (at >= 0)
        {
            storable[at] = Replacement;
            var next = FirstUnstorable(storable.AsSpan(at + 1));
            at = next < 0 ? -1 : at + 1 + next;
        }

        return new string(storable);
    }

    /// <summary>Where the first character PostgreSQL cannot store is (a NUL, or a surrogate not in a pair), or -1.</summary>
    public static int FirstUnstorable(ReadOnlySpan<char> text)
    {
        // Vectorised searches first: text with neither, nearly all of it, costs no more than them.
        var nul = text.IndexOf('\0');
        var end = nul < 0 ? text.Length : nul;
        for (var i = text[..end].IndexOfAnyInRange('\uD800', '\uDFFF'); i >= 0 && i < end; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return i;
            }
        }

        return nul;
    }
}

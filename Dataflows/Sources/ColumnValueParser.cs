using System.Globalization;
using System.Text;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>Turns one CSV field (UTF-8) into the typed value of its column, with the invariant culture.</summary>
internal static class ColumnValueParser
{
    private const int MaxQuotedValueLength = 60;

    private static readonly string[] TimestampFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF",
        "yyyy-MM-dd'T'HH:mm",
        "yyyy-MM-dd HH:mm",
    ];

    private static readonly string[] TimestampWithOffsetFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd HH:mm:ss.FFFFFFFzzz",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd HH:mm:ss.FFFFFFF'Z'",
        "yyyy-MM-dd'T'HH:mmzzz",
        "yyyy-MM-dd'T'HH:mm'Z'",
    ];

    /// <summary>Parses <paramref name="utf8"/>; returns null on success, else the reason the value is rejected.</summary>
    public static string? TryParse(ColumnDefinition column, ReadOnlySpan<byte> utf8, out object? value)
    {
        value = null;
        if (utf8.IsEmpty)
        {
            if (column.Type == ColumnType.String && !column.EmptyAsNull)
            {
                value = "";
                return CheckLength(column, "", 0);
            }

            return column.Required ? "a value is required" : null;
        }

        var invariant = CultureInfo.InvariantCulture;
        switch (column.Type)
        {
            case ColumnType.String:
                var text = Encoding.UTF8.GetString(utf8);
                value = text;
                return CheckLength(column, text, CountCharacters(utf8));
            case ColumnType.Int when int.TryParse(utf8, NumberStyles.Integer, invariant, out var i):
                value = i;
                return null;
            case ColumnType.Long when long.TryParse(utf8, NumberStyles.Integer, invariant, out var l):
                value = l;
                return null;
            case ColumnType.Decimal when decimal.TryParse(utf8, NumberStyles.Float, invariant, out var m):
                value = m;
                return null;
            case ColumnType.Double when double.TryParse(utf8, NumberStyles.Float, invariant, out var d):
                value = d;
                return null;
            case ColumnType.Bool when TryParseBool(utf8, out var b):
                value = b;
                return null;
            case ColumnType.Date when DateOnly.TryParseExact(Encoding.UTF8.GetString(utf8).Trim(), "yyyy-MM-dd", invariant, DateTimeStyles.None, out var date):
                value = date;
                return null;
            case ColumnType.Timestamp when DateTime.TryParseExact(Encoding.UTF8.GetString(utf8).Trim(), TimestampFormats, invariant, DateTimeStyles.None, out var timestamp):
                value = timestamp;
                return null;
            case ColumnType.TimestampWithOffset when DateTimeOffset.TryParseExact(
                Encoding.UTF8.GetString(utf8).Trim(), TimestampWithOffsetFormats, invariant, DateTimeStyles.AssumeUniversal, out var instant):
                value = instant;
                return null;
            default:
                return $"'{Shorten(Encoding.UTF8.GetString(utf8))}' is not {Expected(column.Type)}";
        }
    }

    private static string Expected(ColumnType type) => type switch
    {
        ColumnType.Int => "an int",
        ColumnType.Long => "a long",
        ColumnType.Decimal => "a decimal",
        ColumnType.Double => "a double",
        ColumnType.Bool => "a bool (true, false, 1 or 0)",
        ColumnType.Date => "a date (yyyy-MM-dd)",
        ColumnType.Timestamp => "a timestamp (yyyy-MM-ddTHH:mm:ss, no offset)",
        ColumnType.TimestampWithOffset => "a timestampWithOffset (ISO 8601 with an offset, such as 2026-03-01T10:15:00+01:00)",
        _ => $"a {ColumnTypeNames.Of(type)}",
    };

    private static bool TryParseBool(ReadOnlySpan<byte> utf8, out bool value)
    {
        var trimmed = utf8.Trim(" \t"u8);
        if (trimmed.SequenceEqual("1"u8) || Ascii.EqualsIgnoreCase(trimmed, "true"u8))
        {
            value = true;
            return true;
        }

        value = false;
        return trimmed.SequenceEqual("0"u8) || Ascii.EqualsIgnoreCase(trimmed, "false"u8);
    }

    private static string? CheckLength(ColumnDefinition column, string text, int length)
    {
        if (length < column.MinLength)
        {
            return $"'{Shorten(text)}' is {length} characters long, shorter than minLength {column.MinLength}";
        }

        if (length > column.MaxLength)
        {
            return $"'{Shorten(text)}' is {length} characters long, longer than maxLength {column.MaxLength}";
        }

        return null;
    }

    /// <summary>Characters as PostgreSQL counts them for varchar(n): code points, i.e. the bytes that start a UTF-8 sequence.</summary>
    private static int CountCharacters(ReadOnlySpan<byte> utf8)
    {
        var count = 0;
        foreach (var b in utf8)
        {
            if ((b & 0xC0) != 0x80)
            {
                count++;
            }
        }

        return count;
    }

    private static string Shorten(string text) => text.Length <= MaxQuotedValueLength ? text : text[..MaxQuotedValueLength] + "...";
}

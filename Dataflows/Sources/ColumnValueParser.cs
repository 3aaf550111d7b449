using System.Globalization;
using System.Text;
using CsvHelper;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>Turns the fields (UTF-8) of one column into typed values, with the source's culture and the column's format.</summary>
internal sealed class ColumnValueParser
{
    private const int MaxQuotedValueLength = 60;

    private readonly ColumnDefinition _column;
    private readonly CultureInfo _culture;
    private readonly NumberStyles _numberStyles;
    private readonly byte[][] _nullValues;
    private readonly HashSet<string> _nullTexts;

    /// <param name="culture">Null for the invariant culture, where ISO 8601 dates and timestamps take the fast path.</param>
    public ColumnValueParser(ColumnDefinition column, CultureInfo? culture, IReadOnlyList<string> nullValues)
    {
        _column = column;
        _culture = culture ?? CultureInfo.InvariantCulture;
        // Thousands separators are only unambiguous once a culture says what they are.
        _numberStyles = culture is null ? NumberStyles.Float : NumberStyles.Float | NumberStyles.AllowThousands;
        _nullValues = [.. nullValues.Select(Encoding.UTF8.GetBytes)];
        _nullTexts = [.. nullValues];
    }

    /// <summary>Parses field <paramref name="index"/> of the record; returns null on success, else the reason the value is rejected.</summary>
    public string? TryParse(CsvReader record, int index, out object? value)
    {
        var utf8 = record.GetSpan(index);
        if (utf8.IsEmpty || IsNullValue(utf8))
        {
            return Empty(utf8.IsEmpty, out value);
        }

        if (_column.Type == ColumnType.String)
        {
            // The reader's string pool decodes a value that repeats in a column (a code, a name) once: fewer objects for
            // the collector to move while rows wait to be written.
            var text = record.GetString(index);
            value = text;
            return CheckLength(text, CountCharacters(utf8));
        }

        return TryParseValue(utf8, out value);
    }

    /// <summary>Parses a field a source read as text (a JSON string, a fixed-width field, a text cell), as <see cref="TryParse"/> does.</summary>
    public string? TryParseText(string text, out object? value)
    {
        if (text.Length == 0 || _nullTexts.Contains(text))
        {
            return Empty(text.Length == 0, out value);
        }

        if (_column.Type == ColumnType.String)
        {
            value = text;
            return _column.MinLength is null && _column.MaxLength is null ? null : CheckLength(text, text.EnumerateRunes().Count());
        }

        return TryParseValue(Encoding.UTF8.GetBytes(text), out value);
    }

    /// <summary>
    /// Converts a value a source read already typed (a query's column, a JSON number, a spreadsheet cell) to the
    /// column's type, refusing what would change it (a fraction into an int, a time of day into a date).
    /// </summary>
    public string? TryConvert(object field, out object? value)
    {
        if (field is string text)
        {
            return TryParseText(text, out value);
        }

        if (_column.Type == ColumnType.String)
        {
            return TryParseText(TypedValueConversion.Text(field), out value);
        }

        return TypedValueConversion.TryConvert(field, _column.Type, out value)
            ? null
            : $"'{Shorten(TypedValueConversion.Text(field))}' is not {Expected()}";
    }

    private string? Empty(bool isEmpty, out object? value)
    {
        value = null;
        if (_column.Type == ColumnType.String && !_column.EmptyAsNull && isEmpty)
        {
            value = "";
            return CheckLength("", 0);
        }

        return _column.Required ? "a value is required" : null;
    }

    private string? TryParseValue(ReadOnlySpan<byte> utf8, out object? value)
    {
        var trimmed = utf8.Trim(" \t"u8);
        value = _column.Type switch
        {
            ColumnType.Int when int.TryParse(trimmed, NumberStyles.Integer, _culture, out var i) => i,
            ColumnType.Long when long.TryParse(trimmed, NumberStyles.Integer, _culture, out var l) => l,
            ColumnType.Decimal when decimal.TryParse(trimmed, _numberStyles, _culture, out var m) => m,
            ColumnType.Double when double.TryParse(trimmed, _numberStyles, _culture, out var d) => d,
            ColumnType.Bool when TryParseBool(trimmed, out var b) => TypedValueConversion.Box(b),
            ColumnType.Guid when Guid.TryParse(Encoding.UTF8.GetString(trimmed), out var g) => g,
            ColumnType.Date => ParseDate(trimmed) is { } date ? date : null,
            ColumnType.Timestamp => ParseTimestamp(trimmed) is { } timestamp ? timestamp : null,
            ColumnType.TimestampWithOffset => ParseTimestampWithOffset(trimmed) is { } instant ? instant : null,
            _ => null,
        };
        return value is null ? $"'{Shorten(Encoding.UTF8.GetString(utf8))}' is not {Expected()}" : null;
    }

    /// <summary>For a trailing field the record does not have (accepted by the source's missingFields): null.</summary>
    public string? Missing(out object? value)
    {
        value = null;
        return _column.Required ? "a value is required" : null;
    }

    private bool IsNullValue(ReadOnlySpan<byte> utf8)
    {
        foreach (var nullValue in _nullValues)
        {
            if (utf8.SequenceEqual(nullValue))
            {
                return true;
            }
        }

        return false;
    }

    private DateOnly? ParseDate(ReadOnlySpan<byte> utf8)
    {
        if (_column.Format is null)
        {
            return IsoTimestampParser.TryParseDate(utf8, out var iso) ? iso : null;
        }

        return DateOnly.TryParseExact(Encoding.UTF8.GetString(utf8), _column.Format, _culture, DateTimeStyles.None, out var date) ? date : null;
    }

    private DateTime? ParseTimestamp(ReadOnlySpan<byte> utf8)
    {
        if (_column.Format is null)
        {
            return IsoTimestampParser.TryParse(utf8, out var local, out var offset) && offset is null ? local : null;
        }

        return DateTime.TryParseExact(Encoding.UTF8.GetString(utf8), _column.Format, _culture, DateTimeStyles.None, out var timestamp) ? timestamp : null;
    }

    private DateTimeOffset? ParseTimestampWithOffset(ReadOnlySpan<byte> utf8)
    {
        if (_column.Format is null)
        {
            return IsoTimestampParser.TryParse(utf8, out var local, out var offset) && offset is { } known ? new DateTimeOffset(local, known) : null;
        }

        // A format without an offset reads the time as UTC, so that the stored instant does not depend on the server's zone.
        return DateTimeOffset.TryParseExact(Encoding.UTF8.GetString(utf8), _column.Format, _culture, DateTimeStyles.AssumeUniversal, out var instant)
            ? instant
            : null;
    }

    private string Expected() => _column.Type switch
    {
        ColumnType.Int => "an int",
        ColumnType.Long => "a long",
        ColumnType.Decimal => "a decimal",
        ColumnType.Double => "a double",
        ColumnType.Bool => "a bool (true, false, 1 or 0)",
        ColumnType.Guid => "a guid",
        ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampWithOffset when _column.Format is not null =>
            $"a {ColumnTypeNames.Of(_column.Type)} in the format '{_column.Format}'",
        ColumnType.Date => "a date (yyyy-MM-dd)",
        ColumnType.Timestamp => "a timestamp (yyyy-MM-ddTHH:mm:ss, no offset)",
        ColumnType.TimestampWithOffset => "a timestampWithOffset (ISO 8601 with an offset, such as 2026-03-01T10:15:00+01:00)",
        _ => $"a {ColumnTypeNames.Of(_column.Type)}",
    };

    private static bool TryParseBool(ReadOnlySpan<byte> utf8, out bool value)
    {
        if (utf8.SequenceEqual("1"u8) || Ascii.EqualsIgnoreCase(utf8, "true"u8))
        {
            value = true;
            return true;
        }

        value = false;
        return utf8.SequenceEqual("0"u8) || Ascii.EqualsIgnoreCase(utf8, "false"u8);
    }

    private string? CheckLength(string text, int length)
    {
        if (length < _column.MinLength)
        {
            return $"'{Shorten(text)}' is {length} characters long, shorter than minLength {_column.MinLength}";
        }

        if (length > _column.MaxLength)
        {
            return $"'{Shorten(text)}' is {length} characters long, longer than maxLength {_column.MaxLength}";
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

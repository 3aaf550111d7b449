using System.Globalization;
using System.Text.Json;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// Turns the values of documents and run requests into typed values. Every value is accepted either as JSON of
/// its own kind (a number for an int) or as text that parses invariantly (<c>"42"</c>), because HTTP clients and
/// job servers of this kind commonly send every parameter as a string.
/// </summary>
public static class ScalarValues
{
    /// <summary>The text of a scalar JSON value; null for null, objects and arrays.</summary>
    public static string? ToText(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString(),
        JsonValueKind.Number => value.GetRawText(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        _ => null,
    };

    public static bool TryParse(JsonElement value, ScalarType type, out object? result, out string error)
    {
        if (type == ScalarType.StringList && value.ValueKind == JsonValueKind.Array)
        {
            return TryParseList(value, out result, out error);
        }

        if (value.ValueKind is JsonValueKind.Object or JsonValueKind.Array)
        {
            result = null;
            error = $"expected a {type.ToName()} value, not a JSON {value.ValueKind.ToString().ToLowerInvariant()}";
            return false;
        }

        if (value.ValueKind == JsonValueKind.Null)
        {
            result = null;
            error = "";
            return true;
        }

        var kindMatches = type switch
        {
            ScalarType.Int or ScalarType.Decimal => value.ValueKind is JsonValueKind.Number or JsonValueKind.String,
            ScalarType.Bool => value.ValueKind is JsonValueKind.True or JsonValueKind.False or JsonValueKind.String or JsonValueKind.Number,
            _ => true,
        };
        if (!kindMatches)
        {
            result = null;
            error = $"expected a {type.ToName()} value, not {value.GetRawText()}";
            return false;
        }

        return TryParse(ToText(value)!, type, out result, out error);
    }

    public static bool TryParse(string text, ScalarType type, out object? result, out string error)
    {
        var invariant = CultureInfo.InvariantCulture;
        (var ok, result) = type switch
        {
            ScalarType.String => (true, text),
            ScalarType.StringList when text.TrimStart().StartsWith('[') => TryParseListText(text),
            ScalarType.StringList => (true, (IReadOnlyList<string>)[text]),
            ScalarType.Int => long.TryParse(text, NumberStyles.Integer, invariant, out var l) ? (true, l) : (false, null),
            ScalarType.Decimal => decimal.TryParse(text, NumberStyles.Float, invariant, out var d) ? (true, d) : (false, (object?)null),
            ScalarType.Bool => ParseBool(text) is { } b ? (true, b) : (false, null),
            ScalarType.DateTime => IsIsoDate(text) && DateTimeOffset.TryParse(text, invariant, DateTimeStyles.AssumeUniversal, out var t) ? (true, t) : (false, null),
            _ => (false, null),
        };
        error = ok ? "" : $"'{text}' is not a valid {type.ToName()}{Hint(type)}";
        return ok;
    }

    /// <summary>The invariant text of a typed value, the form in which values travel in job arguments.</summary>
    public static string? Format(object? value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        DateTimeOffset t => t.ToString("O", CultureInfo.InvariantCulture),
        IReadOnlyList<string> list => JsonSerializer.Serialize(list, ScalarJsonContext.Default.IReadOnlyListString),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };

    private static bool TryParseList(JsonElement array, out object? result, out string error)
    {
        var items = new List<string>();
        foreach (var item in array.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.String)
            {
                (result, error) = (null, $"expected a list of strings, but an item is {item.GetRawText()}");
                return false;
            }

            items.Add(item.GetString()!);
        }

        (result, error) = (items, "");
        return true;
    }

    private static (bool, object?) TryParseListText(string text)
    {
        try
        {
            using var document = JsonDocument.Parse(text);
            return (TryParseList(document.RootElement, out var list, out _), list);
        }
        catch (JsonException)
        {
            return (false, null);
        }
    }

    // Only ISO 8601: the invariant culture would also read 01/02/2026, month first, which half the world reads otherwise.
    private static bool IsIsoDate(string text) =>
        text.Length >= 10 && char.IsAsciiDigit(text[0]) && text[4] == '-' && text[7] == '-';

    private static bool? ParseBool(string text) => text.Trim().ToLowerInvariant() switch
    {
        "true" or "1" => true,
        "false" or "0" => false,
        _ => null,
    };

    private static string Hint(ScalarType type) => type switch
    {
        ScalarType.Bool => " (use true, false, 1 or 0)",
        ScalarType.DateTime => " (use ISO 8601, for example 2026-01-31T08:00:00Z)",
        ScalarType.Decimal => " (use a '.' as decimal separator)",
        ScalarType.StringList => " (use a JSON array of strings, or one string)",
        _ => "",
    };
}

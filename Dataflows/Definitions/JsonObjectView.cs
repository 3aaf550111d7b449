using System.Text.Json;

namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// A JSON object of a definition whose properties are looked up case-insensitively and reported under their
/// canonical names; each reader adds a problem at the property's path instead of throwing.
/// </summary>
internal sealed class JsonObjectView
{
    private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.OrdinalIgnoreCase);

    private JsonObjectView(string path, List<DefinitionProblem> problems)
    {
        Path = path;
        Problems = problems;
    }

    public string Path { get; }

    public List<DefinitionProblem> Problems { get; }

    /// <param name="allowed">The canonical property names; others are reported. Null accepts any.</param>
    public static JsonObjectView? Open(JsonElement element, string path, IReadOnlyList<string>? allowed, List<DefinitionProblem> problems, string what)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new DefinitionProblem(path, $"{what} must be a JSON object"));
            return null;
        }

        var view = new JsonObjectView(path, problems);
        foreach (var property in element.EnumerateObject())
        {
            var canonical = allowed?.FirstOrDefault(a => string.Equals(a, property.Name, StringComparison.OrdinalIgnoreCase));
            if (allowed is not null && canonical is null)
            {
                problems.Add(new DefinitionProblem($"{path}.{property.Name}", $"unknown property for {what}; valid: {string.Join(", ", allowed)}"));
                continue;
            }

            if (!view._properties.TryAdd(property.Name, property.Value) && allowed is not null)
            {
                problems.Add(new DefinitionProblem($"{path}.{canonical}", "is given more than once"));
            }
        }

        return view;
    }

    public string PathOf(string property) => $"{Path}.{property}";

    public bool Has(string property) => _properties.ContainsKey(property);

    public bool TryGet(string property, out JsonElement value, bool required)
    {
        if (_properties.TryGetValue(property, out value))
        {
            return true;
        }

        if (required)
        {
            Problem(property, "is required");
        }

        return false;
    }

    /// <summary>The array under <paramref name="property"/>; anything else is the problem "must be an array of {of}".</summary>
    public bool TryGetArray(string property, bool required, string of, out JsonElement array)
    {
        if (!TryGet(property, out array, required))
        {
            return false;
        }

        if (array.ValueKind == JsonValueKind.Array)
        {
            return true;
        }

        Problem(property, $"must be an array of {of}");
        return false;
    }

    public void Problem(string property, string message) => Problems.Add(new DefinitionProblem(PathOf(property), message));

    public string? RequireText(string property)
    {
        if (!TryGet(property, out var value, required: true))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            Problem(property, "must be a non-empty string");
            return null;
        }

        return text;
    }

    public string? OptionalText(string property)
    {
        if (!TryGet(property, out var value, required: false) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Problem(property, "must be a string");
            return null;
        }

        return value.GetString();
    }

    /// <summary>One ASCII character other than a line break, as delimiters, quotes and comment markers must be.</summary>
    public char? OptionalCharacter(string property, string what)
    {
        if (OptionalText(property) is not { } text)
        {
            return null;
        }

        if (text.Length != 1 || text[0] > 127 || text[0] is '\r' or '\n')
        {
            Problem(property, $"'{text}' is not a valid {what}; it must be one ASCII character other than a line break");
            return null;
        }

        return text[0];
    }

    public void OptionalBool(string property)
    {
        if (TryGet(property, out var value, required: false) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Problem(property, "must be true or false");
        }
    }

    public int? OptionalWholeNumber(string property, int minimum)
    {
        if (!TryGet(property, out var value, required: false) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            Problem(property, "must be a whole number");
            return null;
        }

        if (number < minimum)
        {
            Problem(property, $"must be at least {minimum}, not {number}");
            return null;
        }

        return number;
    }

    public decimal? OptionalNumber(string property)
    {
        if (!TryGet(property, out var value, required: false) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDecimal(out var number))
        {
            Problem(property, "must be a number");
            return null;
        }

        return number;
    }

    /// <summary>An array of strings; null when absent or not one (reported).</summary>
    public IReadOnlyList<string>? OptionalTextArray(string property, bool required = false, bool nonEmpty = false)
    {
        if (!TryGet(property, out var value, required))
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Array || value.EnumerateArray().Any(item => item.ValueKind != JsonValueKind.String))
        {
            Problem(property, "must be an array of strings");
            return null;
        }

        var items = value.EnumerateArray().Select(item => item.GetString()!).ToArray();
        if (nonEmpty && items.Length == 0)
        {
            Problem(property, "must have at least one item");
        }

        return items;
    }

    public TEnum? OptionalEnum<TEnum>(string property)
        where TEnum : struct, Enum
    {
        if (!TryGet(property, out var value, required: false))
        {
            return null;
        }

        var valid = typeof(TEnum) == typeof(ColumnType) ? ColumnTypeNames.All : Enum.GetNames<TEnum>();
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null)
        {
            Problem(property, $"must be a string; valid: {string.Join(", ", valid)}");
            return null;
        }

        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            var name = candidate is ColumnType columnType ? ColumnTypeNames.Of(columnType) : candidate.ToString();
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        Problem(property, $"unknown {property} '{text}'; valid: {string.Join(", ", valid)}");
        return null;
    }
}

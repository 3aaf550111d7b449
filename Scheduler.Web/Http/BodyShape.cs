using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Scheduler.Web.Http;

/// <summary>
/// Checks a JSON body against the type it is read as, before the serializer reads it, and reports every mismatch under
/// its path: a member the type does not have (the serializer would skip it, so a misspelt <c>paramters</c> in a run
/// request ran the workflow with its defaults), and a value of the wrong JSON kind (the serializer stops at the first
/// one and names .NET types, <c>System.Collections.Generic.IReadOnlyList`1[...]</c>, which say nothing to a client).
/// </summary>
internal static class BodyShape
{
    /// <summary>At most this many problems are listed, and then how many more there are: each one names the members allowed.</summary>
    public const int MaxListed = 20;

    /// <summary>
    /// The problems of the body, each under its path (<c>parameters[0].vaule</c>, <c>trigger.pollInterval</c>).
    /// Members of <paramref name="echoed"/> are accepted at the body's root and left to the serializer to skip: a
    /// client may send back what a GET gave it, read-only members (<c>id</c>, <c>nextRun</c>) included.
    /// </summary>
    /// <remarks>The body's nesting was checked against <see cref="RequestLimits.JsonDepth"/> before, which bounds the recursion.</remarks>
    public static ProblemList Check(JsonElement value, JsonTypeInfo type, JsonTypeInfo? echoed = null)
    {
        var found = new List<(string Path, string Message)>();
        Check(value, type, "", echoed, found);
        var problems = new ProblemList();
        foreach (var (path, message) in found.Take(MaxListed))
        {
            problems.Add(path, message);
        }

        if (found.Count > MaxListed)
        {
            problems.Add("body", $"and {found.Count - MaxListed} more problems of the same kinds");
        }

        return problems;
    }

    private static void Check(JsonElement value, JsonTypeInfo type, string path, JsonTypeInfo? echoed, List<(string Path, string Message)> problems)
    {
        if (value.ValueKind == JsonValueKind.Null && AcceptsNull(type.Type))
        {
            return;
        }

        if (Expectation(type) is { } expected && !expected.Accepts(value))
        {
            problems.Add((path.Length == 0 ? "body" : path, $"expected {expected.Words}, found {Describe(value)}"));
            return;
        }

        if (type.Kind == JsonTypeInfoKind.Object)
        {
            var comparison = type.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (var member in value.EnumerateObject())
            {
                var at = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                if (type.Properties.FirstOrDefault(p => string.Equals(p.Name, member.Name, comparison)) is { } property)
                {
                    // A property with a converter of its own (a lenient boolean) takes more than its type's kind.
                    if (property.CustomConverter is null)
                    {
                        Check(member.Value, type.Options.GetTypeInfo(property.PropertyType), at, null, problems);
                    }
                }
                else if (echoed?.Properties.Any(p => string.Equals(p.Name, member.Name, comparison)) != true)
                {
                    problems.Add((at, $"'{member.Name}' is not a member here; the members here are {string.Join(", ", type.Properties.Select(p => p.Name))}"));
                }
            }
        }
        else if (type.Kind == JsonTypeInfoKind.Enumerable && type.ElementType is { } elementType)
        {
            var items = type.Options.GetTypeInfo(elementType);
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, $"{path}[{index++}]", null, problems);
            }
        }
    }

    /// <summary>
    /// What a value of <paramref name="type"/> must be, in JSON's words; null for what only the serializer can tell (a
    /// <see cref="JsonElement"/> takes anything).
    /// </summary>
    private static (string Words, Func<JsonElement, bool> Accepts)? Expectation(JsonTypeInfo type) => type.Kind switch
    {
        JsonTypeInfoKind.Object => ("an object", v => v.ValueKind == JsonValueKind.Object),
        JsonTypeInfoKind.Enumerable => ("an array", v => v.ValueKind == JsonValueKind.Array),
        _ when Underlying(type.Type) == typeof(string) => ("a string", v => v.ValueKind == JsonValueKind.String),
        _ when Underlying(type.Type) == typeof(bool) => ("true or false", v => v.ValueKind is JsonValueKind.True or JsonValueKind.False),
        _ when Underlying(type.Type) == typeof(int) => ("a whole number", v => IsWholeNumber(v, type.Options)),
        _ => null,
    };

    // The web defaults read a number from a string too ("30"), as clients of form-minded tools send them.
    private static bool IsWholeNumber(JsonElement value, JsonSerializerOptions options) =>
        value.ValueKind == JsonValueKind.Number ? value.TryGetInt32(out _)
        : value.ValueKind == JsonValueKind.String && options.NumberHandling.HasFlag(JsonNumberHandling.AllowReadingFromString)
            && int.TryParse(value.GetString(), System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out _);

    private static Type Underlying(Type type) => Nullable.GetUnderlyingType(type) ?? type;

    // The request types' reference members are all optional in JSON (their absence and null are checked by the endpoint).
    private static bool AcceptsNull(Type type) => !type.IsValueType || Nullable.GetUnderlyingType(type) is not null;

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => value.GetRawText() is { Length: <= 24 } number ? $"the number {number}" : "a number",
        JsonValueKind.True or JsonValueKind.False => value.GetRawText(),
        _ => "null",
    };
}

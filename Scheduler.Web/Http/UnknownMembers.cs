using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace Scheduler.Web.Http;

/// <summary>
/// Finds every member of a JSON body that the type it is read as does not have, at any depth. The serializer skips
/// them without a word, so a misspelt <c>paramters</c> in a run request ran the workflow with its defaults, on a
/// file nobody asked for.
/// </summary>
internal static class UnknownMembers
{
    /// <summary>Adds a problem under each unknown member's path (<c>parameters[0].vaule</c>) that lists the members allowed there.</summary>
    /// <remarks>The body's nesting was checked against <see cref="RequestLimits.JsonDepth"/> before, which bounds the recursion.</remarks>
    public static void Check(JsonElement value, JsonTypeInfo type, ProblemList problems) => Check(value, type, "", problems);

    private static void Check(JsonElement value, JsonTypeInfo type, string path, ProblemList problems)
    {
        if (type.Kind == JsonTypeInfoKind.Object && value.ValueKind == JsonValueKind.Object)
        {
            var comparison = type.Options.PropertyNameCaseInsensitive ? StringComparison.OrdinalIgnoreCase : StringComparison.Ordinal;
            foreach (var member in value.EnumerateObject())
            {
                var at = path.Length == 0 ? member.Name : $"{path}.{member.Name}";
                if (type.Properties.FirstOrDefault(p => string.Equals(p.Name, member.Name, comparison)) is { } property)
                {
                    Check(member.Value, type.Options.GetTypeInfo(property.PropertyType), at, problems);
                }
                else
                {
                    problems.Add(at, $"'{member.Name}' is not a member here; the members here are {string.Join(", ", type.Properties.Select(p => p.Name))}");
                }
            }
        }
        else if (type.Kind == JsonTypeInfoKind.Enumerable && value.ValueKind == JsonValueKind.Array && type.ElementType is { } elementType)
        {
            var items = type.Options.GetTypeInfo(elementType);
            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Check(item, items, $"{path}[{index++}]", problems);
            }
        }
    }
}

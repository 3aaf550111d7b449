namespace Scheduler.Workflows.Definitions;

/// <summary>The spelling of <see cref="ScalarType"/> names in documents: lower case, case-insensitive.</summary>
public static class ScalarTypes
{
    public static string Names { get; } = string.Join(", ", Enum.GetNames<ScalarType>().Select(ToName));

    public static string ToName(this ScalarType type) => type.ToString().ToLowerInvariant();

    public static string ToName(string type) => type.ToLowerInvariant();

    public static bool TryParse(string text, out ScalarType type) =>
        Enum.TryParse(text, ignoreCase: true, out type) && Enum.IsDefined(type) && !int.TryParse(text, out _);
}

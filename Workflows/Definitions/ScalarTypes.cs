namespace Scheduler.Workflows.Definitions;

/// <summary>The spelling of <see cref="ScalarType"/> names in documents: lower case, case-insensitive.</summary>
public static class ScalarTypes
{
    public static string Names { get; } = string.Join(", ", Enum.GetNames<ScalarType>().Select(ToName));

    public static string ToName(this ScalarType type) => type.ToString().ToLowerInvariant();

    public static string ToName(string type) => type.ToLowerInvariant();

    // Exactly one name: Enum.TryParse would also take numbers and flag lists such as "int, decimal".
    public static bool TryParse(string text, out ScalarType type)
    {
        var name = Enum.GetNames<ScalarType>().FirstOrDefault(n => string.Equals(n, text?.Trim(), StringComparison.OrdinalIgnoreCase));
        type = name is null ? default : Enum.Parse<ScalarType>(name);
        return name is not null;
    }
}

namespace Scheduler.Workflows.Definitions;

/// <summary>The spelling of <see cref="ScalarType"/> names in documents: lower case, case-insensitive.</summary>
public static class ScalarTypes
{
    public static string Names { get; } = string.Join(", ", Enum.GetValues<ScalarType>().Select(t => t.ToName()));

    public static string ToName(this ScalarType type) => type == ScalarType.StringList ? "stringList" : type.ToString().ToLowerInvariant();

    /// <summary>The .NET type of values of this type, as the engine holds them.</summary>
    public static Type ClrType(this ScalarType type) => type switch
    {
        ScalarType.Int => typeof(long),
        ScalarType.Decimal => typeof(decimal),
        ScalarType.Bool => typeof(bool),
        ScalarType.DateTime => typeof(DateTimeOffset),
        ScalarType.StringList => typeof(IReadOnlyList<string>),
        _ => typeof(string),
    };

    // Exactly one name: Enum.TryParse would also take numbers and flag lists such as "int, decimal".
    public static bool TryParse(string text, out ScalarType type)
    {
        var name = Enum.GetNames<ScalarType>().FirstOrDefault(n => string.Equals(n, text?.Trim(), StringComparison.OrdinalIgnoreCase));
        type = name is null ? default : Enum.Parse<ScalarType>(name);
        return name is not null;
    }
}

namespace Scheduler.Dataflows.Definitions;

/// <summary>The names column types have in definition files (camelCase, unlike the other enums).</summary>
public static class ColumnTypeNames
{
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<ColumnType>().Select(Of).ToArray();

    public static string Of(ColumnType type) => type switch
    {
        ColumnType.String => "string",
        ColumnType.Int => "int",
        ColumnType.Long => "long",
        ColumnType.Decimal => "decimal",
        ColumnType.Double => "double",
        ColumnType.Bool => "bool",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamp",
        ColumnType.TimestampWithOffset => "timestampWithOffset",
        ColumnType.Guid => "guid",
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };
}

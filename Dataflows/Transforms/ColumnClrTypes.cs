using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Transforms;

/// <summary>The .NET types of column values, as the source produces them and as expressions see them.</summary>
internal static class ColumnClrTypes
{
    /// <summary>Value types are nullable unless the column is required (a required column is never null).</summary>
    public static Type Of(ColumnDefinition column)
    {
        var type = Of(column.Type);
        return type.IsValueType && !column.Required ? typeof(Nullable<>).MakeGenericType(type) : type;
    }

    public static Type Of(ColumnType type) => type switch
    {
        ColumnType.String => typeof(string),
        ColumnType.Int => typeof(int),
        ColumnType.Long => typeof(long),
        ColumnType.Decimal => typeof(decimal),
        ColumnType.Double => typeof(double),
        ColumnType.Bool => typeof(bool),
        ColumnType.Date => typeof(DateOnly),
        ColumnType.Timestamp => typeof(DateTime),
        ColumnType.TimestampWithOffset => typeof(DateTimeOffset),
        ColumnType.Guid => typeof(Guid),
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <summary>The column type whose values are of <paramref name="clrType"/> (or its nullable form), if any.</summary>
    public static ColumnType? ColumnTypeOf(Type clrType)
    {
        var underlying = Nullable.GetUnderlyingType(clrType) ?? clrType;
        foreach (var type in Enum.GetValues<ColumnType>())
        {
            if (Of(type) == underlying)
            {
                return type;
            }
        }

        return null;
    }

    public static bool IsNumeric(ColumnType type) => type is ColumnType.Int or ColumnType.Long or ColumnType.Decimal or ColumnType.Double;
}

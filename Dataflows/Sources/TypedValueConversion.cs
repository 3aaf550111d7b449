using System.Globalization;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Converts values that arrive typed (from PostgreSQL, JSON, a spreadsheet) to a column's type, only where nothing is
/// lost: a whole number into int or long within range, any number into decimal or double, a midnight timestamp into a date.
/// </summary>
internal static class TypedValueConversion
{
    // Shared boxes: a bool column would otherwise allocate one per row.
    private static readonly object True = true;
    private static readonly object False = false;

    /// <summary>The value boxed, without allocating.</summary>
    public static object Box(bool value) => value ? True : False;

    public static bool TryConvert(object field, ColumnType type, out object? value)
    {
        if (field.GetType() == Transforms.ColumnClrTypes.Of(type))
        {
            value = field;
            return true;
        }

        value = type switch
        {
            ColumnType.Int when WholeNumber(field) is { } whole && whole is >= int.MinValue and <= int.MaxValue => (int)whole,
            ColumnType.Long when WholeNumber(field) is { } whole && whole is >= long.MinValue and <= long.MaxValue => (long)whole,
            ColumnType.Decimal => field switch
            {
                decimal or int or long or short => Convert.ToDecimal(field, CultureInfo.InvariantCulture),
                double or float when double.IsFinite(Convert.ToDouble(field, CultureInfo.InvariantCulture)) && Math.Abs(Convert.ToDouble(field, CultureInfo.InvariantCulture)) < 7.9e28 =>
                    Convert.ToDecimal(field, CultureInfo.InvariantCulture),
                _ => null,
            },
            ColumnType.Double when field is double or float or decimal or int or long or short => Convert.ToDouble(field, CultureInfo.InvariantCulture),
            ColumnType.Bool when field is bool => field,
            ColumnType.Guid when field is Guid => field,
            ColumnType.Date => field switch
            {
                DateOnly => field,
                DateTime { TimeOfDay.Ticks: 0 } midnight => DateOnly.FromDateTime(midnight),
                DateTimeOffset { TimeOfDay.Ticks: 0 } midnight => DateOnly.FromDateTime(midnight.DateTime),
                _ => null,
            },
            ColumnType.Timestamp => field switch
            {
                DateTime timestamp => DateTime.SpecifyKind(timestamp, DateTimeKind.Unspecified),
                DateOnly date => date.ToDateTime(TimeOnly.MinValue),

                // The clock time as written, without its offset, as a text timestamp with an offset would have to be written.
                DateTimeOffset instant => instant.DateTime,
                _ => null,
            },
            ColumnType.TimestampWithOffset => field switch
            {
                DateTimeOffset => field,

                // As for a text timestamp read with a format that has no offset: UTC, whatever the server's zone.
                DateTime timestamp => new DateTimeOffset(DateTime.SpecifyKind(timestamp, DateTimeKind.Utc)),
                _ => null,
            },
            _ => null,
        };
        return value is not null;
    }

    /// <summary>The invariant text of a value, as a CSV file destination writes it.</summary>
    public static string Text(object field) => Destinations.CsvFileDestination.Format(field);

    private static decimal? WholeNumber(object field) => field switch
    {
        int or long or short => Convert.ToDecimal(field, CultureInfo.InvariantCulture),
        decimal number when decimal.Truncate(number) == number => number,
        double number when double.IsFinite(number) && Math.Truncate(number) == number && Math.Abs(number) < 9.2e18 => (decimal)number,
        _ => null,
    };
}

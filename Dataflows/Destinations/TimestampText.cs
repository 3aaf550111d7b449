using System.Globalization;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// The ISO 8601 text file destinations write for timestamps: <c>yyyy-MM-ddTHH:mm:ss</c>, the fraction of a second
/// without trailing zeros (none when it is zero), and for a timestamp with an offset, <c>+HH:mm</c>. The same text as
/// the custom format <c>yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz</c>, made from the standard sortable format, which .NET
/// formats several times faster than a custom one: an export formats one per row and column.
/// </summary>
internal static class TimestampText
{
    /// <summary>Room for the longest text: 19 characters, a point and 7 digits, an offset of 6.</summary>
    public const int MaxLength = 33;

    private const int FractionDigits = 7;

    /// <summary>Writes <paramref name="timestamp"/>'s text into <paramref name="destination"/> (at least <see cref="MaxLength"/> long); returns its length.</summary>
    public static int Format(DateTime timestamp, Span<char> destination)
    {
        timestamp.TryFormat(destination, out var length, "s", CultureInfo.InvariantCulture);
        var fraction = (int)(timestamp.Ticks % TimeSpan.TicksPerSecond);
        if (fraction == 0)
        {
            return length;
        }

        // Seven digits, then the trailing zeros dropped: the fraction is not zero, so one digit at least stays.
        destination[length] = '.';
        fraction.TryFormat(destination.Slice(length + 1, FractionDigits), out _, "D7", CultureInfo.InvariantCulture);
        var end = length + 1 + FractionDigits;
        while (destination[end - 1] == '0')
        {
            end--;
        }

        return end;
    }

    /// <inheritdoc cref="Format(DateTime, Span{char})"/>
    public static int Format(DateTimeOffset instant, Span<char> destination)
    {
        var length = Format(instant.DateTime, destination);
        var offset = instant.Offset;
        destination[length] = offset < TimeSpan.Zero ? '-' : '+';
        var minutes = Math.Abs((int)offset.TotalMinutes);
        (minutes / 60).TryFormat(destination.Slice(length + 1, 2), out _, "D2", CultureInfo.InvariantCulture);
        destination[length + 3] = ':';
        (minutes % 60).TryFormat(destination.Slice(length + 4, 2), out _, "D2", CultureInfo.InvariantCulture);
        return length + 6;
    }

    public static string Format(DateTime timestamp)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(timestamp, text)]);
    }

    public static string Format(DateTimeOffset instant)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(instant, text)]);
    }
}

using System.Globalization;
using Scheduler.Dataflows.Destinations;

namespace Scheduler.Dataflows.Tests.Destinations;

public sealed class TimestampTextTests
{
    private const string CustomFormat = "yyyy-MM-dd'T'HH:mm:ss.FFFFFFF";

    public static TheoryData<DateTime> Timestamps => new()
    {
        new DateTime(2024, 5, 6, 7, 8, 9),
        new DateTime(2024, 5, 6, 7, 8, 9, 500),
        new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(1),
        new DateTime(2024, 5, 6, 7, 8, 9).AddTicks(1_234_560),
        new DateTime(2024, 12, 31, 23, 59, 59).AddTicks(9_999_999),
        DateTime.MinValue,
        DateTime.MaxValue,
        new DateTime(99, 1, 2, 3, 4, 5),
    };

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void A_timestamp_reads_as_the_custom_format_wrote_it(DateTime timestamp)
    {
        TimestampText.Format(timestamp).Should().Be(timestamp.ToString(CustomFormat, CultureInfo.InvariantCulture));
    }

    [Theory]
    [MemberData(nameof(Timestamps))]
    public void A_timestamp_with_an_offset_reads_as_the_custom_format_wrote_it_for_every_offset(DateTime timestamp)
    {
        foreach (var minutes in new[] { 0, 60, -300, 330, 345, -570, 840, -720 })
        {
            var offset = TimeSpan.FromMinutes(minutes);
            if (timestamp.Ticks - offset.Ticks is < 0 || timestamp.Ticks - offset.Ticks > DateTime.MaxValue.Ticks)
            {
                continue;
            }

            var instant = new DateTimeOffset(timestamp, offset);
            TimestampText.Format(instant).Should().Be(instant.ToString(CustomFormat + "zzz", CultureInfo.InvariantCulture), $"offset {offset}");
        }
    }

    [Fact]
    public void The_longest_timestamp_fits_the_documented_room()
    {
        var longest = new DateTimeOffset(new DateTime(2024, 12, 31, 23, 59, 59).AddTicks(9_999_999), TimeSpan.FromHours(-14));
        TimestampText.Format(longest).Should().HaveLength(TimestampText.MaxLength);
    }
}

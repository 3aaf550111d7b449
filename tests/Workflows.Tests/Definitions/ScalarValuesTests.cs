using System.Globalization;
using System.Text.Json;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tests.Definitions;

public sealed class ScalarValuesTests
{
    [Theory]
    [InlineData("42", 42L)]
    [InlineData("-7", -7L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    public void An_int_parses_into_a_long(string text, long expected)
    {
        Parse(text, ScalarType.Int).Should().Be(expected);
    }

    [Theory]
    [InlineData("10.50", "10.50")]
    [InlineData("-0.001", "-0.001")]
    [InlineData("1e3", "1000")]
    public void A_decimal_parses_with_a_dot_whatever_the_current_culture(string text, string expected)
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            Parse(text, ScalarType.Decimal).Should().Be(decimal.Parse(expected, NumberStyles.Float, CultureInfo.InvariantCulture));
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("0", false)]
    public void A_bool_is_true_false_1_or_0(string text, bool expected)
    {
        Parse(text, ScalarType.Bool).Should().Be(expected);
    }

    [Fact]
    public void A_datetime_in_ISO_8601_keeps_its_offset()
    {
        Parse("2026-01-31T08:00:00+01:00", ScalarType.DateTime).Should()
            .Be(new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.FromHours(1)))
            .And.Subject.As<DateTimeOffset>().Offset.Should().Be(TimeSpan.FromHours(1));
    }

    [Fact]
    public void A_datetime_without_offset_is_taken_as_UTC()
    {
        Parse("2026-01-31T08:00:00", ScalarType.DateTime).As<DateTimeOffset>().Offset.Should().Be(TimeSpan.Zero);
    }

    [Fact]
    public void A_string_is_taken_as_it_is()
    {
        Parse(" any text ", ScalarType.String).Should().Be(" any text ");
    }

    [Theory]
    [InlineData("abc", ScalarType.Int, "'abc' is not a valid int")]
    [InlineData("1.5", ScalarType.Int, "'1.5' is not a valid int")]
    [InlineData("9223372036854775808", ScalarType.Int, "'9223372036854775808' is not a valid int")]
    [InlineData("ten", ScalarType.Decimal, "'ten' is not a valid decimal (use a '.' as decimal separator)")]
    [InlineData("maybe", ScalarType.Bool, "'maybe' is not a valid bool (use true, false, 1 or 0)")]
    [InlineData("2", ScalarType.Bool, "'2' is not a valid bool (use true, false, 1 or 0)")]
    [InlineData("01/02/2026", ScalarType.DateTime, "'01/02/2026' is not a valid datetime (use ISO 8601, for example 2026-01-31T08:00:00Z)")]
    [InlineData("yesterday", ScalarType.DateTime, "'yesterday' is not a valid datetime (use ISO 8601, for example 2026-01-31T08:00:00Z)")]
    public void Junk_is_rejected_with_a_message_naming_the_type(string text, ScalarType type, string message)
    {
        ScalarValues.TryParse(text, type, out var result, out var error).Should().BeFalse();
        result.Should().BeNull();
        error.Should().Be(message);
    }

    [Fact]
    public void A_decimal_with_a_comma_as_decimal_separator_is_rejected()
    {
        ScalarValues.TryParse("10,50", ScalarType.Decimal, out var result, out var error).Should().BeFalse($"it parsed as {result}");
        error.Should().Contain("use a '.'");
    }

    [Fact]
    public void Json_values_of_their_own_kind_and_as_text_both_parse()
    {
        ParseJson("42", ScalarType.Int).Should().Be(42L);
        ParseJson("\"42\"", ScalarType.Int).Should().Be(42L);
        ParseJson("2.25", ScalarType.Decimal).Should().Be(2.25m);
        ParseJson("true", ScalarType.Bool).Should().Be(true);
        ParseJson("\"false\"", ScalarType.Bool).Should().Be(false);
        ParseJson("12", ScalarType.String).Should().Be("12");
        ParseJson("null", ScalarType.Int).Should().BeNull();
    }

    [Theory]
    [InlineData("true", ScalarType.Int, "expected a int value, not true")]
    [InlineData("{}", ScalarType.String, "expected a string value, not a JSON object")]
    [InlineData("[]", ScalarType.Bool, "expected a bool value, not a JSON array")]
    public void Json_values_of_another_kind_are_rejected_naming_the_type(string json, ScalarType type, string message)
    {
        using var document = JsonDocument.Parse(json);

        ScalarValues.TryParse(document.RootElement, type, out _, out var error).Should().BeFalse();
        error.Should().Be(message);
    }

    [Fact]
    public void Typed_values_format_invariantly()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("fr-FR");
        try
        {
            ScalarValues.Format(1234.5m).Should().Be("1234.5");
            ScalarValues.Format(42L).Should().Be("42");
            ScalarValues.Format(true).Should().Be("true");
            ScalarValues.Format(new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.Zero)).Should().Be("2026-01-31T08:00:00.0000000+00:00");
            ScalarValues.Format(null).Should().BeNull();
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static object? Parse(string text, ScalarType type)
    {
        ScalarValues.TryParse(text, type, out var result, out var error).Should().BeTrue(error);
        return result;
    }

    private static object? ParseJson(string json, ScalarType type)
    {
        using var document = JsonDocument.Parse(json);
        ScalarValues.TryParse(document.RootElement, type, out var result, out var error).Should().BeTrue(error);
        return result;
    }
}

using System.Globalization;
using Scheduler.Workflows.Binding;

namespace Scheduler.Workflows.Tests.Binding;

public sealed class InputTemplateTests
{
    private static readonly Dictionary<string, object?> Values = new()
    {
        ["Variables.count"] = 42L,
        ["Variables.amount"] = 1234.5m,
        ["Variables.flag"] = true,
        ["Variables.when"] = new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.FromHours(1)),
        ["Variables.missing"] = null,
        ["Download.localPath"] = "/jobs/1/orders.csv",
    };

    [Fact]
    public void Text_without_references_is_a_literal_and_resolves_to_itself()
    {
        var template = InputTemplate.Parse("in/orders.csv");

        template.IsLiteral.Should().BeTrue();
        template.References.Should().BeEmpty();
        template.HasMalformedReference().Should().BeFalse();
        template.Resolve(_ => throw new InvalidOperationException("no lookup expected")).Should().Be("in/orders.csv");
    }

    [Fact]
    public void A_value_that_is_one_reference_keeps_the_typed_value()
    {
        InputTemplate.Parse("${Variables.count}").Resolve(Lookup).Should().Be(42L);
        InputTemplate.Parse("${Variables.amount}").Resolve(Lookup).Should().Be(1234.5m);
        InputTemplate.Parse("${ Variables.flag }").Resolve(Lookup).Should().Be(true);
        InputTemplate.Parse("${Variables.missing}").Resolve(Lookup).Should().BeNull();
    }

    [Fact]
    public void References_are_parsed_into_object_and_member()
    {
        var template = InputTemplate.Parse("${Download.localPath} and ${Variables.count}");

        template.IsLiteral.Should().BeFalse();
        template.References.Should().Equal(new InputReference("Download", "localPath"), new InputReference("Variables", "count"));
        template.References.First().ToString().Should().Be("${Download.localPath}");
    }

    [Fact]
    public void Embedded_references_are_formatted_invariantly_into_the_text()
    {
        var previous = CultureInfo.CurrentCulture;
        CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
        try
        {
            var resolved = InputTemplate.Parse("n=${Variables.count};a=${Variables.amount};f=${Variables.flag};t=${Variables.when};m=${Variables.missing};p=${Download.localPath}")
                .Resolve(Lookup);

            resolved.Should().Be("n=42;a=1234.5;f=true;t=2026-01-31T08:00:00.0000000+01:00;m=;p=/jobs/1/orders.csv");
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    [Theory]
    [InlineData("${Variables}")]
    [InlineData("${Variables.}")]
    [InlineData("${Variables.a.b}")]
    [InlineData("${1task.output}")]
    [InlineData("prefix ${Variables.ok} ${Download.localPath")]
    public void Malformed_references_are_detected(string text)
    {
        InputTemplate.Parse(text).HasMalformedReference().Should().BeTrue();
    }

    [Theory]
    [InlineData("$Variables.x")]
    [InlineData("cost: $5 {x}")]
    [InlineData("${Variables.a}${Download.b}")]
    public void Text_that_is_not_a_reference_attempt_is_not_malformed(string text)
    {
        InputTemplate.Parse(text).HasMalformedReference().Should().BeFalse();
    }

    private static object? Lookup(InputReference reference) => Values[$"{reference.Object}.{reference.Member}"];
}

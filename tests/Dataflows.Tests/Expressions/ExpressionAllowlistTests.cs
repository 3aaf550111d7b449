using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Tests.Expressions;

/// <summary>An expression may only call functions that cannot allocate or loop without bound.</summary>
public sealed class ExpressionAllowlistTests
{
    private static readonly ExpressionParameter[] Parameters =
    [
        new("country", typeof(string)),
        new("amount", typeof(decimal?)),
        new("created_at", typeof(DateTimeOffset?)),
        new("day", typeof(DateOnly)),
        new("quantity", typeof(int)),
        new("names", typeof(IReadOnlyList<string>)),
    ];

    private static readonly object?[] Values = ["us", 150m, new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero), new DateOnly(2026, 3, 1), 4, new[] { "a.csv", "b.csv" }];

    [Theory]
    [InlineData("new string((char)65, 500000000).Length > 0", "'new string(...)' is not allowed")]
    [InlineData("new object() != null", "'new Object(...)' is not allowed")]
    [InlineData("string.Format(\"{0,500000000}\", 1)", "string.Format is not allowed")]
    [InlineData("quantity.ToString(\"D999999999\")", "int.ToString is not allowed")]
    [InlineData("Enumerable.Range(0, 2000000000).Count()", "Unknown name 'Enumerable.Range'")]
    [InlineData("country.Normalize()", "string.Normalize is not allowed")]
    [InlineData("country.GetType()", "")]
    public void Functions_that_could_allocate_or_loop_without_bound_are_refused_when_compiled(string expression, string says)
    {
        var compile = () => ExpressionCompiler.Compile(expression, Parameters);

        compile.Should().Throw<ExpressionException>().WithMessage($"*{says}*");
    }

    [Theory]
    [InlineData("country.ToUpperInvariant()", "US")]
    [InlineData("created_at == null || created_at.Value.Year >= 2020", true)]
    [InlineData("amount * 1.2m", 180.0)]
    [InlineData("day.Year == 2026 && day < new DateOnly(2026, 6, 1) ? Math.Round(amount.Value, 1) : 0m", 150.0)]
    [InlineData("country.Substring(0, 1).ToLower() + country.Length + quantity.ToString()", "u24")]
    [InlineData("country.Trim().StartsWith(\"u\") && country.Contains(\"s\") && country.IndexOf('s') == 1 && country[0] == 'u'", true)]
    [InlineData("\"a,b\".Split(',')[1] + string.Concat(country, \"!\") + string.Join(\"|\", names)", "bus!a.csv|b.csv")]
    [InlineData("names.Count == 2 && names[1] == \"b.csv\" && string.IsNullOrEmpty(country) == false", true)]
    [InlineData("Convert.ToInt32(\"12\") + Math.Max(quantity, 1) + int.Parse(\"1\")", 17)]
    [InlineData("DateTime.Parse(\"2026-01-01\") < DateTime.Now && day.ToString(\"yyyy-MM\") == \"2026-03\"", true)]
    [InlineData("country.Replace(\"u\", \"U\").Replace('s', 'S').PadLeft(4, '*').PadRight(5)", "**US ")]
    [InlineData("(amount ?? 0m) > 100m && amount.HasValue && amount.GetValueOrDefault() > 1m", true)]
    public void The_documented_functions_compile_and_evaluate(string expression, object expected)
    {
        var value = ExpressionCompiler.Compile(expression, Parameters).Evaluate(Values);

        value.Should().Be(expected is double d ? (decimal)d : expected);
    }

    [Theory]
    [InlineData("\"a\".PadLeft(500000000)")]
    [InlineData("country.PadRight(100001, '*')")]
    [InlineData("country.Replace(\"u\", \"uuuuuuuuuu\").Replace(\"u\", \"uuuuuuuuuu\").Replace(\"u\", \"uuuuuuuuuu\").Replace(\"u\", \"uuuuuuuuuu\").Replace(\"u\", \"uuuuuuuuuu\")")]
    public void Functions_that_would_build_a_string_beyond_the_limit_fail_before_they_build_it(string expression)
    {
        var compiled = ExpressionCompiler.Compile(expression, Parameters);

        var evaluate = () => compiled.Evaluate(Values);

        evaluate.Should().Throw<ExpressionException>().WithMessage("*characters; an expression may build at most 100000 (ExpressionLimits.MaxBuiltStringLength)");
    }

    [Fact]
    public void Functions_that_shorten_or_keep_a_long_value_are_not_limited()
    {
        var compiled = ExpressionCompiler.Compile("country.Replace(\"ab\", \"ba\").PadLeft(10)", Parameters);
        var longValue = string.Concat(Enumerable.Repeat("ab", 100_000));

        var value = (string)compiled.Evaluate([longValue, null, null, default(DateOnly), 0, Array.Empty<string>()])!;

        value.Should().HaveLength(200_000).And.StartWith("baba");
    }
}

using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Tests.Expressions;

/// <summary>The parser recurses per nesting level and a stack overflow ends the process: the text is checked first.</summary>
public sealed class ExpressionLimitsTests
{
    private static readonly ExpressionParameter[] Parameters = [new("flag", typeof(bool)), new("n", typeof(int))];

    [Fact]
    public void Expression_longer_than_the_limit_is_refused_naming_the_limit()
    {
        var expression = string.Join(" + ", Enumerable.Repeat("n", 1_400));

        var compile = () => ExpressionCompiler.Compile(expression, Parameters);

        compile.Should().Throw<ExpressionException>().WithMessage($"*{expression.Length} characters long; the limit is 4000 (ExpressionLimits.MaxLength)*");
    }

    [Theory]
    [InlineData("n", " + ")]
    [InlineData("country", ".Trim()")]
    public void A_chain_of_more_operators_or_calls_than_the_limit_is_refused_though_it_needs_no_parentheses(string start, string link)
    {
        var parameters = new ExpressionParameter[] { new("n", typeof(int)), new("country", typeof(string)) };
        var atTheLimit = start + string.Concat(Enumerable.Repeat(link + (link == " + " ? "n" : ""), 256));
        var beyond = atTheLimit + link + (link == " + " ? "n" : "");

        var compile = () => ExpressionCompiler.Compile(beyond, parameters);

        compile.Should().Throw<ExpressionException>().WithMessage("The expression has 257 operators and member accesses; the limit is 256 (ExpressionLimits.MaxOperators).");
        ExpressionCompiler.Compile(atTheLimit, parameters).Evaluate([1, " us "]).Should().Be(link == " + " ? 257 : "us");
    }

    [Theory]
    [InlineData(65)]
    [InlineData(10_000)]
    public void Parentheses_nested_deeper_than_the_limit_are_refused_before_the_parser_runs(int depth)
    {
        var expression = new string('(', depth) + "n" + new string(')', depth);

        var compile = () => ExpressionCompiler.Compile(expression.Length > ExpressionLimits.MaxLength ? expression[..ExpressionLimits.MaxLength] : expression, Parameters);

        compile.Should().Throw<ExpressionException>().WithMessage("*nests more than 64 levels deep at position 64; the limit is 64 (ExpressionLimits.MaxNesting*")
            .Which.Position.Should().Be(64);
    }

    [Theory]
    [InlineData("[", "]")]
    [InlineData("{", "}")]
    [InlineData("Math.Abs(", ")")]
    public void Brackets_braces_and_calls_count_as_nesting(string open, string close)
    {
        var expression = string.Concat(Enumerable.Repeat(open, 65)) + "n" + string.Concat(Enumerable.Repeat(close, 65));

        var compile = () => ExpressionCompiler.Compile(expression, Parameters);

        compile.Should().Throw<ExpressionException>().WithMessage("*nests more than 64 levels deep*");
    }

    [Theory]
    [InlineData("!", "flag")]
    [InlineData("-", "n")]
    [InlineData("- ", "n")]
    [InlineData("~", "n")]
    public void A_row_of_unary_operators_longer_than_the_limit_is_refused(string op, string operand)
    {
        var compile = () => ExpressionCompiler.Compile(string.Concat(Enumerable.Repeat(op, 65)) + operand, Parameters);

        compile.Should().Throw<ExpressionException>().WithMessage("*nests more than 64 levels deep*");
    }

    [Theory]
    [InlineData("flag ? {0} : ", "0")]
    [InlineData("(int?)n ?? ", "0")]
    public void A_chain_of_conditionals_longer_than_the_limit_is_refused(string link, string end)
    {
        var expression = string.Concat(Enumerable.Range(0, 65).Select(i => string.Format(System.Globalization.CultureInfo.InvariantCulture, link, i))) + end;

        var compile = () => ExpressionCompiler.Compile(expression, Parameters);

        compile.Should().Throw<ExpressionException>().WithMessage("*nests more than 64 levels deep*");
    }

    [Theory]
    [InlineData(64, "!", "flag")]
    [InlineData(64, "(", "n")]
    public void Nesting_at_the_limit_compiles(int depth, string open, string operand)
    {
        var close = open == "(" ? ")" : "";
        var expression = string.Concat(Enumerable.Repeat(open, depth)) + operand + string.Concat(Enumerable.Repeat(close, depth));

        ExpressionCompiler.Compile(expression, Parameters).Evaluate([true, 3]).Should().Be(open == "(" ? 3 : true);
    }

    [Fact]
    public void Long_expressions_that_do_not_nest_compile()
    {
        var sums = string.Join(" + ", Enumerable.Repeat("((int?)n ?? 0)", 80));
        var differences = string.Join(" - -", Enumerable.Repeat("n", 100));
        var choices = string.Join(" + ", Enumerable.Repeat("(flag ? 1 : -1)", 80));
        var brackets = "\"" + new string('(', 200) + "\".Length";

        foreach (var expression in new[] { sums, differences, choices, brackets })
        {
            ExpressionCompiler.Compile(expression, Parameters).Evaluate([true, 1]).Should().NotBeNull(expression);
        }
    }
}

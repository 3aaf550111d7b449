using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Tests.Expressions;

public sealed class ExpressionCompilerTests
{
    private static readonly ExpressionParameter[] OrderParameters =
    [
        new("amount", typeof(decimal?)),
        new("country", typeof(string)),
        new("quantity", typeof(int)),
    ];

    [Fact]
    public void Comparison_over_typed_parameters_evaluates_with_values_in_parameter_order()
    {
        var expression = ExpressionCompiler.Compile("amount > 100 && country == \"US\"", OrderParameters);

        expression.ResultType.Should().Be<bool>();
        expression.Evaluate([150m, "US", 1]).Should().Be(true);
        expression.Evaluate([150m, "DE", 1]).Should().Be(false);
        expression.Evaluate([null, "US", 1]).Should().Be(false);
        expression.ReferencedParameters.Should().Equal("amount", "country");
    }

    [Fact]
    public void Dotted_parameter_names_are_usable_as_written()
    {
        var parameters = new ExpressionParameter[] { new("RunDataflow1.rowsRejected", typeof(long)), new("RunDataflow1.rowsRead", typeof(long)) };

        var expression = ExpressionCompiler.Compile("RunDataflow1.rowsRejected > 0 && RunDataflow1.rowsRead >= 10", parameters, typeof(bool));

        expression.Evaluate([3L, 10L]).Should().Be(true);
        expression.Evaluate([0L, 10L]).Should().Be(false);
    }

    [Fact]
    public void Dotted_names_inside_string_literals_are_left_alone()
    {
        var parameters = new ExpressionParameter[] { new("Task.name", typeof(string)) };

        var expression = ExpressionCompiler.Compile("Task.name + \" is not Task.name\"", parameters);

        expression.Evaluate(["x"]).Should().Be("x is not Task.name");
    }

    [Fact]
    public void Unknown_name_is_refused_naming_it_with_its_position_and_the_known_names()
    {
        var parameters = new ExpressionParameter[] { new("RunDataflow1.rowsRejected", typeof(long)) };

        var compile = () => ExpressionCompiler.Compile("1 + RunDataflow1.rowsRejectd > 0", parameters);

        var error = compile.Should().Throw<ExpressionException>().Which;
        error.Identifier.Should().Be("RunDataflow1.rowsRejectd");
        error.Position.Should().Be(4);
        error.Message.Should().Be("Unknown name 'RunDataflow1.rowsRejectd' at position 4 of '1 + RunDataflow1.rowsRejectd > 0'. Known names: RunDataflow1.rowsRejected.");
    }

    [Fact]
    public void Type_error_is_refused_before_evaluation()
    {
        var compile = () => ExpressionCompiler.Compile("country > 1", OrderParameters);

        compile.Should().Throw<ExpressionException>().WithMessage("'country > 1' does not compile at position *");
    }

    [Fact]
    public void Result_that_cannot_become_the_expected_type_is_refused()
    {
        var compile = () => ExpressionCompiler.Compile("quantity + 1", OrderParameters, typeof(bool));

        compile.Should().Throw<ExpressionException>().WithMessage("*cannot be converted to type 'Boolean'*");
    }

    [Fact]
    public void Result_is_converted_to_the_expected_type()
    {
        var expression = ExpressionCompiler.Compile("quantity * 2", OrderParameters, typeof(decimal));

        expression.ResultType.Should().Be<decimal>();
        expression.Evaluate([null, null, 21]).Should().Be(42m);
    }

    [Fact]
    public void Syntax_error_names_its_position()
    {
        var compile = () => ExpressionCompiler.Compile("quantity +", OrderParameters);

        compile.Should().Throw<ExpressionException>().Which.Position.Should().Be(10);
    }

    [Fact]
    public void Assignment_and_reflection_are_refused()
    {
        var assign = () => ExpressionCompiler.Compile("quantity = 5", OrderParameters);
        var reflect = () => ExpressionCompiler.Compile("typeof(string).Assembly", OrderParameters);

        assign.Should().Throw<ExpressionException>();
        reflect.Should().Throw<ExpressionException>();
    }

    [Fact]
    public void Value_of_the_wrong_type_is_refused_naming_the_parameter()
    {
        var expression = ExpressionCompiler.Compile("quantity > 1", OrderParameters);

        var evaluate = () => expression.Evaluate([null, null, null]);

        evaluate.Should().Throw<ExpressionException>().WithMessage("'quantity' is null, but 'quantity > 1' needs a int.");
    }

    [Fact]
    public void Failure_while_evaluating_is_an_expression_exception()
    {
        var expression = ExpressionCompiler.Compile("country.Length > 2", OrderParameters);

        var evaluate = () => expression.Evaluate([null, null, 1]);

        evaluate.Should().Throw<ExpressionException>().WithMessage("Evaluating 'country.Length > 2' failed: a value it uses is null");
    }

    [Fact]
    public void Dates_and_common_functions_are_available()
    {
        var parameters = new ExpressionParameter[] { new("day", typeof(DateOnly)), new("amount", typeof(decimal)) };

        var expression = ExpressionCompiler.Compile("day.Year == 2026 && day < new DateOnly(2026, 6, 1) ? Math.Round(amount, 1) : 0m", parameters);

        expression.Evaluate([new DateOnly(2026, 3, 1), 12.34m]).Should().Be(12.3m);
    }
}

using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Validation;

namespace Scheduler.Workflows.Tests.Validation;

/// <summary>A Decision's expression is held to the expression limits when the workflow is validated, before it can run.</summary>
public sealed class DecisionExpressionLimitsTests
{
    private readonly WorkflowValidator _validator = new(TestTasks.Registry(TestTasks.Produce(), new DecisionTask()));

    [Fact]
    public void Expression_of_ten_thousand_nested_parentheses_is_a_problem_that_names_the_length_limit()
    {
        var expression = new string('(', 10_000) + "1 > 0" + new string(')', 10_000);

        var problems = Validate(expression);

        problems.Should().ContainSingle().Which.Should().Match<DefinitionProblem>(p =>
            p.Path == "$.tasks[0].inputs" && p.Message.Contains("the limit is 4000 (ExpressionLimits.MaxLength)"));
    }

    [Fact]
    public void Expression_nested_deeper_than_the_limit_is_a_problem_that_names_the_limit()
    {
        var problems = Validate(new string('(', 65) + "1 > 0" + new string(')', 65));

        problems.Should().ContainSingle().Which.Message.Should().Contain("nests more than 64 levels deep").And.Contain("ExpressionLimits.MaxNesting");
    }

    [Fact]
    public void Expression_that_would_allocate_a_huge_string_is_a_problem_not_an_allocation()
    {
        var problems = Validate("new string((char)65, 500000000).Length > 0");

        problems.Should().ContainSingle().Which.Message.Should().Contain("'new string(...)' is not allowed");
    }

    private IReadOnlyList<DefinitionProblem> Validate(string expression) =>
        _validator.Validate(TestTasks.Load($$"""
            { "name": "w", "tasks": [ { "name": "Check", "type": "Decision", "inputs": { "expression": {{System.Text.Json.JsonSerializer.Serialize(expression)}} } } ] }
            """));
}

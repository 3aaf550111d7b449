using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tests.Definitions;

namespace Scheduler.Workflows.Tests.Binding;

public sealed class ParameterBinderTests
{
    private static readonly WorkflowDefinition Workflow = TestTasks.Load("""
        {
          "name": "orders-import",
          "variables": [
            { "name": "sourceFilePath", "type": "string", "required": true },
            { "name": "batchSize", "type": "int", "default": 500 },
            { "name": "dryRun", "type": "bool", "default": "false" },
            { "name": "since", "type": "datetime" }
          ],
          "tasks": [
            { "name": "Make", "type": "Produce", "overridable": [ "count", "amount", "when" ], "inputs": { "text": "${Variables.sourceFilePath}" } },
            { "name": "Use", "type": "Consume", "overridable": [ "path" ], "inputs": { "path": "${Make.name}" } }
          ]
        }
        """);

    private const string Settable =
        "what may be set: Variables.sourceFilePath, Variables.batchSize, Variables.dryRun, Variables.since, Make.count, Make.amount, Make.when, Use.path";

    private readonly ParameterBinder _binder = new(TestTasks.Registry());

    [Fact]
    public void The_canonical_parameter_sets_a_variable_and_defaults_fill_the_rest()
    {
        var result = Bind(new ParameterAssignment("Variables", "sourceFilePath", "in/orders.csv"));

        result.Problems.Should().BeEmpty();
        result.IsValid.Should().BeTrue();
        result.Parameters!.Variables.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["sourceFilePath"] = "in/orders.csv",
            ["batchSize"] = 500L,
            ["dryRun"] = false,
            ["since"] = null,
        });
        result.Parameters.TaskInputs.Should().BeEmpty();
    }

    [Fact]
    public void Names_are_case_insensitive_and_take_the_spelling_of_the_definition()
    {
        var result = Bind(new("variables", "SOURCEFILEPATH", "a.csv"), new("make", "COUNT", "7"));

        result.Problems.Should().BeEmpty();
        result.Parameters!.Variables.Should().ContainKey("sourceFilePath").WhoseValue.Should().Be("a.csv");
        result.Parameters.Variables["SourceFilePath"].Should().Be("a.csv");
        result.Parameters.TaskInputs.Should().ContainKey("Make");
        result.Parameters.TaskInputs["MAKE"].Should().ContainKey("count").WhoseValue.Should().Be(7L);
    }

    [Fact]
    public void A_task_input_is_overridden_by_the_task_name_with_a_typed_value()
    {
        var result = Bind(
            new("Variables", "sourceFilePath", "a.csv"),
            new("Make", "amount", "12.75"),
            new("Make", "when", "2026-01-31T08:00:00Z"),
            new("Use", "path", "/tmp/x"));

        result.Problems.Should().BeEmpty();
        result.Parameters!.TaskInputs["Make"].Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["amount"] = 12.75m,
            ["when"] = new DateTimeOffset(2026, 1, 31, 8, 0, 0, TimeSpan.Zero),
        });
        result.Parameters.TaskInputs["Use"]["path"].Should().Be("/tmp/x");
    }

    [Fact]
    public void An_explicit_value_wins_over_the_default()
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("Variables", "batchSize", "10"), new("Variables", "dryRun", "1"));

        result.Parameters!.Variables["batchSize"].Should().Be(10L);
        result.Parameters.Variables["dryRun"].Should().Be(true);
    }

    [Fact]
    public void An_unknown_actionName_lists_what_may_be_set()
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("FileTransferTask1", "remotePath", "x"));

        result.Parameters.Should().BeNull();
        result.Problems.Should().Equal(new BindingProblem(
            1, "actionName", $"'FileTransferTask1' is not an object of the workflow 'orders-import'; {Settable}"));
    }

    [Fact]
    public void A_task_input_the_workflow_does_not_declare_overridable_is_refused_and_lists_what_may_be_set()
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("Make", "text", "/etc/passwd"), new("Use", "size", "1"));

        result.Parameters.Should().BeNull();
        result.Problems.Should().Equal(
            new BindingProblem(1, "parameters", $"Make.text cannot be set by a run request: the workflow does not declare it overridable; {Settable}"),
            new BindingProblem(2, "parameters", $"Use.size cannot be set by a run request: the workflow does not declare it overridable; {Settable}"));
    }

    [Fact]
    public void A_fixed_input_cannot_be_set_even_where_a_definition_lists_it()
    {
        var fixedInput = new FakeTask("Send", [new("connection", ScalarType.String, Required: true, "Where to") { Fixed = true }], []);
        var workflow = TestTasks.Load("""{ "name": "w", "tasks": [ { "name": "S", "type": "Send", "overridable": [ "connection" ], "inputs": { "connection": "A" } } ] }""");

        var result = new ParameterBinder(TestTasks.Registry(fixedInput)).Bind(workflow, [new("S", "connection", "B")]);

        result.Problems.Should().Equal(
            new BindingProblem(0, "parameters", "S.connection cannot be set by a run request: the workflow does not declare it overridable; what may be set: (none)"));
    }

    [Fact]
    public void An_unknown_variable_lists_the_variables()
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("Variables", "sourcePath", "x"));

        result.Problems.Should().Equal(new BindingProblem(
            1, "parameters", "'sourcePath' is not a variable of the workflow 'orders-import'; valid: sourceFilePath, batchSize, dryRun, since"));
    }

    [Fact]
    public void An_unknown_task_input_lists_the_inputs_of_that_task()
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("Use", "file", "x"));

        result.Problems.Should().Equal(new BindingProblem(1, "parameters", $"'file' is not an input of Use (Consume); {Settable}"));
    }

    [Fact]
    public void A_missing_required_variable_is_reported_with_the_parameter_to_add()
    {
        var result = Bind();

        result.Problems.Should().Equal(new BindingProblem(
            -1,
            "parameters",
            """the required variable 'sourceFilePath' (string) is not set: add {"actionName":"Variables","parameters":"sourceFilePath","value":...}"""));
    }

    [Theory]
    [InlineData("batchSize", "abc", "Variables.batchSize: 'abc' is not a valid int")]
    [InlineData("dryRun", "maybe", "Variables.dryRun: 'maybe' is not a valid bool (use true, false, 1 or 0)")]
    [InlineData("since", "31.01.2026", "Variables.since: '31.01.2026' is not a valid datetime (use ISO 8601, for example 2026-01-31T08:00:00Z)")]
    public void A_value_of_the_wrong_type_names_the_type(string variable, string value, string message)
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("Variables", variable, value));

        result.Problems.Should().Equal(new BindingProblem(1, "value", message));
    }

    [Fact]
    public void A_null_value_is_reported()
    {
        var result = Bind(new ParameterAssignment("Variables", "sourceFilePath", null));

        result.Problems.Should().Contain(new BindingProblem(0, "value", "Variables.sourceFilePath needs a value"));
    }

    [Fact]
    public void The_same_target_set_twice_is_reported_at_the_second_one()
    {
        var result = Bind(new("Variables", "sourceFilePath", "a.csv"), new("variables", "SourceFilePath", "b.csv"));

        result.Problems.Should().Equal(new BindingProblem(1, "parameters", "Variables.sourceFilePath is set more than once"));
    }

    [Fact]
    public void Every_problem_is_reported_together_with_its_index()
    {
        var result = Bind(
            new("Variables", "batchSize", "abc"),
            new("Nope", "x", "1"),
            new("Variables", "dryRun", "maybe"),
            new("Make", "colour", "red"),
            new("Variables", "batchsize", "5"));

        result.Parameters.Should().BeNull();
        result.Problems.Select(p => (p.Index, p.Field)).Should().Equal(
            (0, "value"),
            (1, "actionName"),
            (2, "value"),
            (3, "parameters"),
            (4, "parameters"),
            (-1, "parameters"));
        result.Problems[^1].Message.Should().Contain("'sourceFilePath'");
    }

    [Fact]
    public void A_required_variable_with_a_badly_typed_value_is_reported_once()
    {
        var workflow = TestTasks.Load("""
            { "name": "w", "variables": [ { "name": "count", "type": "int", "required": true } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        var result = _binder.Bind(workflow, [new("Variables", "count", "abc")]);

        result.Problems.Should().Equal(new BindingProblem(0, "value", "Variables.count: 'abc' is not a valid int"));
    }

    [Fact]
    public void A_badly_typed_value_of_a_secret_variable_is_reported_without_quoting_it()
    {
        var workflow = TestTasks.Load("""
            { "name": "w", "variables": [ { "name": "pin", "type": "int", "secret": true } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        var result = _binder.Bind(workflow, [new("Variables", "PIN", "hunter2")]);

        result.Problems.Should().Equal(new BindingProblem(0, "value", "Variables.pin: the value of this secret variable is not a valid int"));
    }

    private BindingResult Bind(params ParameterAssignment[] assignments) => _binder.Bind(Workflow, assignments);
}

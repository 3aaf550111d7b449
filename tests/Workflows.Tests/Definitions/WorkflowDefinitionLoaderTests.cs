using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tests.Definitions;

public sealed class WorkflowDefinitionLoaderTests
{
    private const string OrdersImport = """
        {
          "name": "orders-import",
          "description": "Downloads orders and loads them.",
          "variables": [
            { "name": "sourceFilePath", "type": "string", "required": true, "description": "The CSV file" },
            { "name": "batchSize", "type": "int", "default": 500 }
          ],
          "tasks": [
            {
              "name": "FileTransferTask1",
              "type": "FileTransfer",
              "inputs": { "action": "Download", "connection": "OrdersFtp", "remotePath": "${Variables.sourceFilePath}" }
            },
            {
              "name": "RunDataflow1",
              "type": "RunDataflow",
              "dependsOn": [ "FileTransferTask1" ],
              "inputs": { "dataflow": "orders-to-postgres", "filePath": "${FileTransferTask1.localPath}" }
            }
          ]
        }
        """;

    [Fact]
    public void A_valid_document_loads_with_its_variables_and_tasks()
    {
        var result = WorkflowDefinitionLoader.Load(OrdersImport);

        result.Problems.Should().BeEmpty();
        result.IsValid.Should().BeTrue();
        var workflow = result.Definition!;
        workflow.Name.Should().Be("orders-import");
        workflow.Description.Should().Be("Downloads orders and loads them.");
        workflow.Variables.Select(v => (v.Name, v.Type, v.Required)).Should().Equal(
            ("sourceFilePath", ScalarType.String, true),
            ("batchSize", ScalarType.Int, false));
        workflow.Variables[1].Default!.Value.GetInt32().Should().Be(500);
        workflow.Tasks.Select(t => (t.Name, t.Type)).Should().Equal(("FileTransferTask1", "FileTransfer"), ("RunDataflow1", "RunDataflow"));
        workflow.Tasks[0].Inputs["remotePath"].Should().Be("${Variables.sourceFilePath}");
        workflow.Tasks[0].DependsOn.Should().BeEmpty();
        workflow.Tasks[1].DependsOn.Should().Equal("FileTransferTask1");
        workflow.Tasks[1].Inputs["filePath"].Should().Be("${FileTransferTask1.localPath}");
    }

    [Fact]
    public void The_sample_orders_import_document_loads()
    {
        var json = File.ReadAllText(Path.Combine(RepositoryRoot(), "samples", "workflows", "orders-import.json"));

        var result = WorkflowDefinitionLoader.Load(json);

        result.Problems.Should().BeEmpty();
        result.Definition!.Tasks.Select(t => t.Type).Should().Equal("FileTransfer", "RunDataflow");
        result.Definition.Tasks[0].Overridable.Should().Equal("remotePath");
        result.Definition.Tasks[1].Overridable.Should().BeEmpty();
    }

    [Fact]
    public void Scalar_input_values_of_any_json_kind_become_their_invariant_text_and_names_are_case_insensitive()
    {
        var workflow = TestTasks.Load("""
            { "NAME": "w", "Tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "t", "count": 42, "amount": 1.50, "flag": true } } ] }
            """);

        workflow.Tasks[0].Inputs.Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["text"] = "t", ["count"] = "42", ["amount"] = "1.50", ["flag"] = "true",
        });
        workflow.Tasks[0].Inputs["COUNT"].Should().Be("42");
    }

    [Fact]
    public void Malformed_json_is_one_problem_with_line_and_position()
    {
        var json = "{\n  \"name\": \"w\",\n  \"tasks\": [\n    { \"name\": \"A\" \"type\": \"Produce\" }\n  ]\n}";

        var result = WorkflowDefinitionLoader.Load(json);

        result.Definition.Should().BeNull();
        result.Problems.Should().ContainSingle()
            .Which.Message.Should().StartWith("not valid JSON for a workflow at line 4, position ");
    }

    [Fact]
    public void A_document_of_json_null_is_reported_as_empty()
    {
        var result = WorkflowDefinitionLoader.Load("null");

        result.Problems.Should().Equal(new DefinitionProblem("$", "the document is empty"));
    }

    [Fact]
    public void A_missing_name_is_reported_at_its_path()
    {
        var result = WorkflowDefinitionLoader.Load("""{ "tasks": [ { "name": "A", "type": "Produce" } ] }""");

        result.Definition.Should().BeNull();
        result.Problems.Should().Equal(new DefinitionProblem("$.name", "a workflow needs a name"));
    }

    [Fact]
    public void A_workflow_without_tasks_is_reported_at_its_path()
    {
        var result = WorkflowDefinitionLoader.Load("""{ "name": "w", "tasks": [] }""");

        result.Problems.Should().Equal(new DefinitionProblem("$.tasks", "a workflow needs at least one task"));
    }

    [Fact]
    public void A_workflow_without_tasks_is_reported_together_with_its_other_problems()
    {
        var result = WorkflowDefinitionLoader.Load("""{ "variables": [ { "name": "v", "type": "text" } ] }""");

        result.Problems.Select(p => p.Path).Should().BeEquivalentTo("$.name", "$.variables[0].type", "$.tasks");
    }

    [Fact]
    public void Duplicate_task_names_are_reported_case_insensitively()
    {
        var result = WorkflowDefinitionLoader.Load("""
            { "name": "w", "tasks": [ { "name": "Copy", "type": "Produce" }, { "name": "COPY", "type": "Produce" } ] }
            """);

        result.Problems.Should().Equal(new DefinitionProblem("$.tasks[1].name", "the task name 'COPY' is used twice"));
    }

    [Fact]
    public void A_task_named_Variables_is_rejected_as_reserved()
    {
        var result = WorkflowDefinitionLoader.Load("""{ "name": "w", "tasks": [ { "name": "variables", "type": "Produce" } ] }""");

        result.Problems.Should().Equal(new DefinitionProblem("$.tasks[0].name", "'Variables' is reserved for the workflow's variables"));
    }

    [Theory]
    [InlineData("""{ "name": "w", "tasks": [ { "type": "Produce" } ] }""", "$.tasks[0].name")]
    [InlineData("""{ "name": "w", "tasks": [ { "name": "1st", "type": "Produce" } ] }""", "$.tasks[0].name")]
    [InlineData("""{ "name": "w", "tasks": [ { "name": "A" } ] }""", "$.tasks[0].type")]
    [InlineData("""{ "name": "w", "tasks": [ null ] }""", "$.tasks[0]")]
    [InlineData("""{ "name": "w", "tasks": [ { "name": "A", "type": "Produce", "overridable": [ "count", "COUNT" ] } ] }""", "$.tasks[0].overridable[1]")]
    [InlineData("""{ "name": "w", "tasks": [ { "name": "A", "type": "Produce", "overridable": [ "a b" ] } ] }""", "$.tasks[0].overridable[0]")]
    [InlineData("""{ "name": "w", "tasks": [ { "name": "A", "type": "Produce", "dependsOn": [ "" ] } ] }""", "$.tasks[0].dependsOn[0]")]
    [InlineData("""{ "name": "w", "variables": [ { "name": "a b" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }""", "$.variables[0].name")]
    [InlineData("""{ "name": "w", "variables": [ { "name": "v" }, { "name": "V" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }""", "$.variables[1].name")]
    public void Each_shape_problem_is_reported_at_its_json_path(string json, string path)
    {
        var result = WorkflowDefinitionLoader.Load(json);

        result.Definition.Should().BeNull();
        result.Problems.Should().ContainSingle().Which.Path.Should().Be(path);
    }

    [Fact]
    public void An_unknown_variable_type_is_reported_with_the_valid_types()
    {
        var result = WorkflowDefinitionLoader.Load("""
            { "name": "w", "variables": [ { "name": "v", "type": "integer" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        result.Problems.Should().Equal(
            new DefinitionProblem("$.variables[0].type", "unknown type 'integer'; valid: string, int, decimal, bool, datetime, stringList"));
    }

    [Fact]
    public void A_variable_type_given_as_the_number_of_a_type_is_rejected()
    {
        var result = WorkflowDefinitionLoader.Load("""
            { "name": "w", "variables": [ { "name": "v", "type": "1" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        result.Problems.Should().ContainSingle().Which.Path.Should().Be("$.variables[0].type");
    }

    [Fact]
    public void A_variable_type_that_lists_two_types_is_rejected()
    {
        var result = WorkflowDefinitionLoader.Load("""
            { "name": "w", "variables": [ { "name": "v", "type": "int, decimal" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        result.Problems.Should().ContainSingle().Which.Path.Should().Be("$.variables[0].type");
    }

    [Fact]
    public void Variable_types_are_case_insensitive_and_default_to_string()
    {
        var workflow = TestTasks.Load("""
            { "name": "w", "variables": [ { "name": "a", "type": "DateTime" }, { "name": "b" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        workflow.Variables.Select(v => v.Type).Should().Equal(ScalarType.DateTime, ScalarType.String);
    }

    [Theory]
    [InlineData("int", "\"abc\"", "'abc' is not a valid int")]
    [InlineData("int", "1.5", "'1.5' is not a valid int")]
    [InlineData("bool", "\"maybe\"", "'maybe' is not a valid bool (use true, false, 1 or 0)")]
    [InlineData("decimal", "true", "expected a decimal value, not true")]
    [InlineData("int", "[1]", "expected a int value, not a JSON array")]
    public void A_default_of_the_wrong_type_is_reported_at_its_path(string type, string value, string message)
    {
        var result = WorkflowDefinitionLoader.Load($$"""
            { "name": "w", "variables": [ { "name": "v", "type": "{{type}}", "default": {{value}} } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        result.Problems.Should().Equal(new DefinitionProblem("$.variables[0].default", message));
    }

    [Fact]
    public void A_bad_default_of_a_secret_variable_is_reported_without_quoting_it()
    {
        var result = WorkflowDefinitionLoader.Load("""
            { "name": "w", "variables": [ { "name": "pin", "type": "int", "secret": true, "default": "hunter2" } ], "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        result.Problems.Should().Equal(new DefinitionProblem("$.variables[0].default", "the default of this secret variable is not a valid int"));
    }

    [Fact]
    public void A_secret_default_that_is_the_mask_is_refused_and_a_plain_variable_may_have_it()
    {
        var result = WorkflowDefinitionLoader.Load("""
            { "name": "w", "variables": [ { "name": "token", "secret": true, "default": "***" }, { "name": "stars", "default": "***" } ],
              "tasks": [ { "name": "A", "type": "Produce" } ] }
            """);

        result.Problems.Should().Equal(new DefinitionProblem("$.variables[0].default", "'***' is how a secret default shows, not a default: give the value itself"));
    }

    [Theory]
    [InlineData("""{ "x": 1 }""")]
    [InlineData("[ 1, 2 ]")]
    public void A_non_scalar_input_value_is_reported_at_its_path(string value)
    {
        var result = WorkflowDefinitionLoader.Load($$"""
            { "name": "w", "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": {{value}} } } ] }
            """);

        result.Problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs.text", "an input value must be a string, a number or a boolean"));
    }

    [Fact]
    public void Every_problem_of_one_document_is_reported_together()
    {
        var result = WorkflowDefinitionLoader.Load("""
            {
              "variables": [
                { "name": "count", "type": "number" },
                { "name": "flag", "type": "bool", "default": "maybe" }
              ],
              "tasks": [
                { "name": "A", "type": "Produce", "inputs": { "text": { "nested": true } } },
                { "name": "a", "type": "Produce" },
                { "name": "Variables", "type": "Produce" }
              ]
            }
            """);

        result.Definition.Should().BeNull();
        result.Problems.Select(p => p.Path).Should().Equal(
            "$.name",
            "$.variables[0].type",
            "$.variables[1].default",
            "$.tasks[0].inputs.text",
            "$.tasks[1].name",
            "$.tasks[2].name");
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Scheduler.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException("Scheduler.sln was not found above " + AppContext.BaseDirectory);
    }
}

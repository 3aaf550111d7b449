using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Validation;

namespace Scheduler.Workflows.Tests.Validation;

public sealed class WorkflowValidatorTests
{
    private readonly WorkflowValidator _validator = new(TestTasks.Registry(TestTasks.Produce(), TestTasks.Consume(), FileTransfer()));

    [Fact]
    public void A_workflow_that_passes_values_between_tasks_has_no_problems()
    {
        var problems = Validate("""
            "variables": [ { "name": "source", "type": "string" }, { "name": "n", "type": "int" } ],
            "tasks": [
              { "name": "Get", "type": "FileTransfer", "inputs": { "action": "download", "connection": "Ftp", "remotePath": "${Variables.source}" } },
              { "name": "Make", "type": "Produce", "inputs": { "text": "in ${Get.localPath} of ${Get.size} bytes", "count": "${Variables.n}", "amount": "${Get.size}" } },
              { "name": "Use", "type": "Consume", "dependsOn": [ "make" ], "inputs": { "path": "${Get.localPath}", "size": "${Make.size}", "total": "${make.TOTAL}" } }
            ]
            """);

        problems.Should().BeEmpty();
    }

    [Fact]
    public void A_document_with_a_bad_variable_type_or_default_is_still_checked_in_full_each_problem_once()
    {
        var loaded = WorkflowDefinitionLoader.Load("""
            {
              "name": "w",
              "variables": [ { "name": "source", "type": "text" }, { "name": "n", "type": "int", "default": "many" }, { "name": "n", "type": "int" } ],
              "tasks": [
                { "name": "Make", "type": "Produce", "inputs": { "text": "${Variables.source}", "count": "${Variables.n}", "colour": "red" } },
                { "name": "Nothing" },
                { "name": "make", "type": "Produce" }
              ]
            }
            """);

        var problems = loaded.Problems.Concat(_validator.Validate(loaded.Draft!)).ToList();

        loaded.Definition.Should().BeNull("a document with problems never runs");
        problems.Select(p => p.Path).Should().BeEquivalentTo(
            "$.variables[0].type", "$.variables[1].default", "$.variables[2].name", "$.tasks[0].inputs.colour", "$.tasks[1].type", "$.tasks[2].name");
    }

    [Fact]
    public void An_unknown_task_type_is_reported_with_the_valid_types()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Transfer", "inputs": { "anything": "x" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].type", "unknown task type 'Transfer'; valid: Consume, FileTransfer, Produce"));
    }

    [Fact]
    public void An_unknown_input_is_reported_with_the_valid_inputs()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "x", "colour": "red" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs.colour", "Produce has no input 'colour'; valid: text, count, amount, flag, when"));
    }

    [Fact]
    public void Only_inputs_of_the_task_type_that_choose_no_action_or_server_may_be_declared_overridable()
    {
        var problems = Validate("""
            "tasks": [ {
              "name": "Get", "type": "FileTransfer", "overridable": [ "remotePath", "action", "connection", "remoteFile" ],
              "inputs": { "action": "Download", "connection": "Ftp", "remotePath": "in/a.csv" } } ]
            """);

        const string Settable = "may be overridable: remotePath, localPath, newPath, timeoutSeconds, pollSeconds";
        problems.Should().Equal(
            new DefinitionProblem("$.tasks[0].overridable[1]", $"the input 'action' of FileTransfer chooses what the task does and can never be overridable; {Settable}"),
            new DefinitionProblem("$.tasks[0].overridable[2]", $"the input 'connection' of FileTransfer chooses what the task does and can never be overridable; {Settable}"),
            new DefinitionProblem("$.tasks[0].overridable[3]", $"FileTransfer has no input 'remoteFile' a run request could set; {Settable}"));
    }

    [Fact]
    public void A_missing_required_input_is_reported()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Ftp" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs", "the required input 'remotePath' of FileTransfer is missing"));
    }

    [Theory]
    [InlineData("count", "\"ten\"", "'ten' is not a valid int")]
    [InlineData("amount", "\"1,5x\"", "'1,5x' is not a valid decimal (use a '.' as decimal separator)")]
    [InlineData("flag", "\"yes\"", "'yes' is not a valid bool (use true, false, 1 or 0)")]
    [InlineData("when", "\"tomorrow\"", "'tomorrow' is not a valid datetime (use ISO 8601, for example 2026-01-31T08:00:00Z)")]
    public void A_literal_of_the_wrong_type_is_reported_naming_the_type(string input, string value, string message)
    {
        var problems = Validate($$"""
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "x", "{{input}}": {{value}} } } ]
            """);

        problems.Should().Equal(new DefinitionProblem($"$.tasks[0].inputs.{input}", message));
    }

    [Fact]
    public void A_reference_to_an_unknown_variable_lists_the_variables()
    {
        var problems = Validate("""
            "variables": [ { "name": "source" }, { "name": "target" } ],
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "${Variables.sauce}" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs.text", "${Variables.sauce} names no variable; valid: source, target"));
    }

    [Fact]
    public void A_reference_to_an_unknown_task_is_reported()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "${Download.localPath}" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs.text", "${Download.localPath} names no task and is not Variables or Context"));
    }

    [Fact]
    public void A_reference_to_an_unknown_output_lists_the_outputs_of_that_task()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "Get", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Ftp", "remotePath": "a.csv" } },
              { "name": "Use", "type": "Consume", "inputs": { "path": "${Get.path}" } }
            ]
            """);

        problems.Should().Equal(new DefinitionProblem(
            "$.tasks[1].inputs.path", "${Get.path}: FileTransfer has no output 'path'; valid: localPath, size, remotePath, localPaths, remotePaths, names, count, exists"));
    }

    [Fact]
    public void A_task_cannot_read_its_own_outputs()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "${A.name}" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs.text", "${A.name}: a task cannot read its own outputs"));
    }

    [Fact]
    public void Binding_a_string_output_to_an_int_input_is_a_type_mismatch()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "Get", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Ftp", "remotePath": "a.csv" } },
              { "name": "Use", "type": "Consume", "inputs": { "path": "x", "size": "${Get.localPath}" } }
            ]
            """);

        problems.Should().Equal(new DefinitionProblem(
            "$.tasks[1].inputs.size", "${Get.localPath} is a string, but the input 'size' takes a int"));
    }

    [Fact]
    public void Binding_a_decimal_variable_to_an_int_input_is_a_type_mismatch_but_int_to_decimal_widens()
    {
        var problems = Validate("""
            "variables": [ { "name": "d", "type": "decimal" }, { "name": "i", "type": "int" } ],
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "x", "count": "${Variables.d}", "amount": "${Variables.i}" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].inputs.count", "${Variables.d} is a decimal, but the input 'count' takes a int"));
    }

    [Fact]
    public void Text_around_a_reference_is_rejected_for_an_int_input()
    {
        var problems = Validate("""
            "variables": [ { "name": "n", "type": "int" } ],
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "x", "count": "n=${Variables.n}" } } ]
            """);

        problems.Should().ContainSingle().Which.Path.Should().Be("$.tasks[0].inputs.count");
    }

    [Fact]
    public void A_malformed_reference_is_reported()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Produce", "inputs": { "text": "${Variables}" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem(
            "$.tasks[0].inputs.text", "'${Variables}' has a malformed reference; write ${Variables.name} or ${TaskName.output}"));
    }

    [Fact]
    public void A_dependency_cycle_through_dependsOn_is_reported()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "A", "type": "Produce", "dependsOn": [ "B" ], "inputs": { "text": "x" } },
              { "name": "B", "type": "Produce", "dependsOn": [ "A" ], "inputs": { "text": "x" } }
            ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks", "the tasks A, B depend on each other in a cycle"));
    }

    [Fact]
    public void A_task_that_needs_one_task_both_failed_and_succeeded_through_its_upstream_can_never_run()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "Load", "type": "Produce", "inputs": { "text": "x" } },
              { "name": "Quarantine", "type": "Produce", "dependsOn": [ { "task": "Load", "on": "failed" } ], "inputs": { "text": "x" } },
              { "name": "Publish", "type": "Produce", "dependsOn": [ "Load", "Quarantine" ], "inputs": { "text": "x" } },
              { "name": "After", "type": "Produce", "dependsOn": [ "Publish" ], "inputs": { "text": "x" } }
            ]
            """);

        problems.Should().Equal(
            new[] { new DefinitionProblem("$.tasks[2].dependsOn", "'Publish' can never run: Publish waits for Load to be succeeded, but Quarantine waits for Load to be failed") },
            "a task after an unreachable one is not reported again");
    }

    [Fact]
    public void The_true_and_the_false_branch_of_one_Decision_cannot_both_be_required()
    {
        var problems = new WorkflowValidator(TestTasks.Registry(TestTasks.Produce(), new DecisionTask())).Validate(TestTasks.Load("""
            { "name": "w", "tasks": [
              { "name": "Check", "type": "Decision", "inputs": { "expression": "1 > 0" } },
              { "name": "Yes", "type": "Produce", "dependsOn": [ { "task": "Check", "on": "true" } ], "inputs": { "text": "x" } },
              { "name": "No", "type": "Produce", "dependsOn": [ { "task": "Check", "on": "false" } ], "inputs": { "text": "x" } },
              { "name": "Either", "type": "Produce", "dependsOn": [ { "task": "Yes", "on": "finished" }, { "task": "No", "on": "finished" } ], "inputs": { "text": "x" } },
              { "name": "Finally", "type": "Produce", "dependsOn": [ { "task": "Check", "on": "finished" }, "Yes" ], "inputs": { "text": "x" } }
            ] }
            """));

        problems.Should().Equal(
            new[] { new DefinitionProblem("$.tasks[3].dependsOn", "'Either' can never run: Yes waits for Check to be true, but No waits for Check to be false") },
            "a finished condition still needs its task to run, and Finally's conditions agree");
    }

    [Fact]
    public void A_dependency_cycle_through_references_is_reported()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "Start", "type": "Produce", "inputs": { "text": "x" } },
              { "name": "A", "type": "Produce", "inputs": { "text": "${B.name}" } },
              { "name": "B", "type": "Produce", "inputs": { "text": "${C.name}" } },
              { "name": "C", "type": "Produce", "dependsOn": [ "A" ], "inputs": { "text": "x" } }
            ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks", "the tasks A, B, C depend on each other in a cycle"));
    }

    [Fact]
    public void A_task_that_only_waits_on_a_cycle_is_not_named_as_part_of_it()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "A", "type": "Produce", "dependsOn": [ "B" ], "inputs": { "text": "x" } },
              { "name": "B", "type": "Produce", "dependsOn": [ "A" ], "inputs": { "text": "x" } },
              { "name": "After", "type": "Produce", "dependsOn": [ "A" ], "inputs": { "text": "x" } }
            ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks", "the tasks A, B depend on each other in a cycle"));
    }

    [Fact]
    public void A_task_that_depends_on_itself_is_reported()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Produce", "dependsOn": [ "a" ], "inputs": { "text": "x" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].dependsOn", "the task 'A' cannot depend on itself"));
    }

    [Fact]
    public void An_unknown_dependsOn_name_is_reported()
    {
        var problems = Validate("""
            "tasks": [ { "name": "A", "type": "Produce", "dependsOn": [ "Download" ], "inputs": { "text": "x" } } ]
            """);

        problems.Should().Equal(new DefinitionProblem("$.tasks[0].dependsOn", "'Download' is not a task of this workflow"));
    }

    [Fact]
    public void Problems_of_the_task_type_itself_surface_for_literal_inputs_only()
    {
        var problems = Validate("""
            "variables": [ { "name": "action" } ],
            "tasks": [
              { "name": "Get", "type": "FileTransfer", "inputs": { "action": "Copy", "connection": "Ftp", "remotePath": "a" } },
              { "name": "Get2", "type": "FileTransfer", "inputs": { "action": "${Variables.action}", "connection": "Ftp", "remotePath": "a" } },
              { "name": "Make", "type": "Produce", "inputs": { "text": "forbidden" } }
            ]
            """);

        problems.Should().Equal(
            new DefinitionProblem("$.tasks[0].inputs", "the action 'Copy' is not supported; supported: Download, Upload, Delete, Rename, Move, List, Exists, WaitForFile"),
            new DefinitionProblem("$.tasks[2].inputs", "the text 'forbidden' is not allowed"));
    }

    [Fact]
    public void Every_problem_of_a_workflow_is_reported_together()
    {
        var problems = Validate("""
            "tasks": [
              { "name": "A", "type": "Nope" },
              { "name": "B", "type": "Produce", "dependsOn": [ "Z" ], "inputs": { "count": "x", "colour": "red" } },
              { "name": "C", "type": "Consume", "inputs": { "path": "${Variables.missing}" } }
            ]
            """);

        problems.Select(p => p.Path).Should().Equal(
            "$.tasks[0].type",
            "$.tasks[1].dependsOn",
            "$.tasks[1].inputs.count",
            "$.tasks[1].inputs.colour",
            "$.tasks[1].inputs",
            "$.tasks[2].inputs.path");
    }

    private static FileTransferTask FileTransfer() => new(new ConnectionCatalog(new Dictionary<string, ConnectionSettings>()), new NoRemoteFiles());

    private IReadOnlyList<DefinitionProblem> Validate(string members) =>
        _validator.Validate(TestTasks.Load($$"""{ "name": "w", {{members}} }"""));

    /// <summary>Validation never connects anywhere.</summary>
    private sealed class NoRemoteFiles : IRemoteFilesFactory
    {
        public Task<IRemoteFiles> ConnectAsync(string connectionName, ConnectionSettings settings, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("validation must not connect");
    }
}

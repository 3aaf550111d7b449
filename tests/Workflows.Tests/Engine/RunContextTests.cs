using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Validation;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Engine;

/// <summary>A workflow reads what its job knows about itself as <c>${Context.member}</c> and in Decision expressions.</summary>
public sealed class RunContextTests : IDisposable
{
    private static readonly RunContext Dropped = new("17", "parent", new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero))
    {
        TriggeredBy = "file:in/a.csv",
        ScheduleId = "drops",
        DroppedFilePath = "in/a.csv",
    };

    private readonly TempFolder _folder = new();
    private readonly InMemoryJobRunStore _store = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Context_references_resolve_in_inputs_with_their_types()
    {
        var produce = TestTasks.Produce();
        var workflow = TestTasks.Load("""
            { "name": "parent", "tasks": [ { "name": "Make", "type": "Produce",
              "inputs": { "text": "job ${Context.JobId} of ${Context.Workflow} for ${Context.DroppedFilePath} (${Context.TriggeredBy}, ${Context.ScheduleId}, '${Context.RetryOf}')", "when": "${Context.StartedAt}" } } ] }
            """);

        var result = await RunAsync(workflow, TestTasks.Workflows(), Dropped, produce);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        produce.Runs.Single().Inputs["text"].Should().Be("job 17 of parent for in/a.csv (file:in/a.csv, drops, '')");
        produce.Runs.Single().Inputs["when"].Should().Be(Dropped.StartedAt);
        produce.Runs.Single().RunContext.Should().Be(Dropped, "a task hands the context on, to a dataflow for example");
    }

    [Fact]
    public async Task A_Decision_branches_on_the_context()
    {
        var produce = TestTasks.Produce();
        var workflow = TestTasks.Load("""
            { "name": "parent", "tasks": [
              { "name": "FromFile", "type": "Decision", "inputs": { "expression": "Context.TriggeredBy.StartsWith(\"file:\") && Context.RetryOf == \"\"" } },
              { "name": "Make", "type": "Produce", "dependsOn": [ { "task": "FromFile", "on": "true" } ], "inputs": { "text": "x" } } ] }
            """);

        var result = await RunAsync(workflow, TestTasks.Workflows(), Dropped, new DecisionTask(), produce);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        produce.Runs.Should().ContainSingle();
    }

    [Fact]
    public async Task A_child_workflow_runs_in_its_parents_job_under_its_own_workflow_name()
    {
        var produce = TestTasks.Produce();
        var child = TestTasks.Load("""
            { "name": "child", "tasks": [ { "name": "Make", "type": "Produce", "inputs": { "text": "${Context.JobId} ${Context.Workflow} ${Context.DroppedFilePath}" } } ] }
            """);
        var parent = TestTasks.Load("""
            { "name": "parent", "tasks": [ { "name": "Child", "type": "RunWorkflow", "inputs": { "workflow": "child" } } ] }
            """);

        var result = await RunAsync(parent, TestTasks.Workflows(child), Dropped, new RunWorkflowTask(), produce);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        produce.Runs.Single().Inputs["text"].Should().Be("17 child in/a.csv");
    }

    [Fact]
    public async Task Without_a_context_of_its_own_a_run_knows_its_job_id_and_workflow_and_the_rest_is_empty()
    {
        var produce = TestTasks.Produce();
        var workflow = TestTasks.Load("""
            { "name": "parent", "tasks": [ { "name": "Make", "type": "Produce", "inputs": { "text": "${Context.JobId}|${Context.Workflow}|${Context.TriggeredBy}|${Context.DroppedFilePath}" } } ] }
            """);

        await RunAsync(workflow, TestTasks.Workflows(), null, produce);

        produce.Runs.Single().Inputs["text"].Should().Be("job|parent||");
    }

    [Fact]
    public void An_unknown_context_member_and_a_task_named_Context_are_refused_with_their_paths()
    {
        var workflow = TestTasks.Load("""
            { "name": "parent", "tasks": [ { "name": "Make", "type": "Produce", "inputs": { "text": "${Context.JobNumber}", "count": "${Context.JobId}" } } ] }
            """);

        var problems = new WorkflowValidator(TestTasks.Registry()).Validate(workflow, _ => null);
        var reserved = WorkflowDefinitionLoader.Load("""{ "name": "w", "tasks": [ { "name": "context", "type": "Produce" } ] }""");

        problems.Should().BeEquivalentTo(new[]
        {
            new DefinitionProblem("$.tasks[0].inputs.text", "${Context.JobNumber} is not a context value; valid: JobId, Workflow, StartedAt, TriggeredBy, ScheduleId, RetryOf, DroppedFilePath"),
            new DefinitionProblem("$.tasks[0].inputs.count", "${Context.JobId} is a string, but the input 'count' takes a int"),
        });
        reserved.Problems.Should().ContainSingle(p => p.Path == "$.tasks[0].name").Which.Message.Should().Contain("reserved for the job's context values");
    }

    private Task<WorkflowRunResult> RunAsync(WorkflowDefinition workflow, IWorkflowDefinitions workflows, RunContext? context, params IWorkflowTask[] tasks)
    {
        var registry = TestTasks.Registry(tasks);
        new WorkflowValidator(registry).Validate(workflow, name => workflows.TryGet(name, out var found) ? found : null).Should().BeEmpty();
        var engine = new WorkflowEngine(registry, workflows, _store, TimeProvider.System, NullLogger<WorkflowEngine>.Instance);
        var parameters = new BoundParameters(new Dictionary<string, object?>(), new Dictionary<string, IReadOnlyDictionary<string, object?>>());
        return engine.RunAsync(
            new WorkflowRunRequest("job", workflow, [], parameters, Path.Combine(_folder.Path, "job")) { Context = context },
            CancellationToken.None);
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;
using Scheduler.Workflows.Validation;

namespace Scheduler.Workflows.Tests.Engine;

/// <summary>The task graph as it runs: parallel branches, conditions, decisions, retries, timeouts, nested workflows.</summary>
public sealed class TaskGraphExecutionTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly InMemoryJobLog _log = new();
    private readonly InMemoryJobRunStore _store;

    public TaskGraphExecutionTests() => _store = new(new InMemoryIdempotencyKeys(TimeProvider.System), _log);

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Tasks_without_a_dependency_between_them_run_at_the_same_time()
    {
        var aStarted = new TaskCompletionSource();
        var bStarted = new TaskCompletionSource();
        var work = Work(async (context, token) =>
        {
            (context.TaskName == "A" ? aStarted : bStarted).TrySetResult();

            // Each waits for the other to have started: run one after the other, they would never finish.
            await (context.TaskName == "A" ? bStarted.Task : aStarted.Task).WaitAsync(TimeSpan.FromSeconds(20), token);
            return Outputs();
        });

        var result = await RunAsync(Workflow("""[ { "name": "A", "type": "Work" }, { "name": "B", "type": "Work" } ]"""), work);

        result.Status.Should().Be(RunStatus.Completed);
        work.Runs.Select(r => r.TaskName).Should().BeEquivalentTo(["A", "B"]);
    }

    [Fact]
    public async Task No_more_tasks_run_at_once_than_the_workflow_allows()
    {
        var running = 0;
        var most = 0;
        var twoAtOnce = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var work = Work(async (_, token) =>
        {
            var now = Interlocked.Increment(ref running);
            InterlockedMax(ref most, now);
            if (now == 2)
            {
                twoAtOnce.TrySetResult();
            }

            // No task ends before two have run at once: run one at a time, the first fails when the wait gives up.
            await twoAtOnce.Task.WaitAsync(TimeSpan.FromSeconds(20), token);
            await Task.Delay(50, token);
            Interlocked.Decrement(ref running);
            return Outputs();
        });
        var tasks = string.Join(",", Enumerable.Range(1, 6).Select(i => $$"""{ "name": "T{{i}}", "type": "Work" }"""));

        var result = await RunAsync(Workflow($"[{tasks}]", extra: "\"maxParallelism\": 2,"), work);

        result.Status.Should().Be(RunStatus.Completed, result.Error ?? "");
        work.Runs.Should().HaveCount(6);
        most.Should().Be(2, "the limit is reached, and never passed");
    }

    [Fact]
    public async Task A_failure_takes_the_error_path_skips_the_normal_path_and_fails_the_job()
    {
        var work = Work((context, _) => context.TaskName == "Load"
            ? throw new TaskFailedException("3 rows rejected")
            : Completed());
        var workflow = Workflow("""
            [
              { "name": "Load", "type": "Work" },
              { "name": "Archive", "type": "Work", "dependsOn": [ "Load" ] },
              { "name": "MoveToFailed", "type": "Work", "dependsOn": [ { "task": "Load", "on": "failed" } ] },
              { "name": "Notify", "type": "Work", "dependsOn": [ { "task": "Load", "on": "finished" } ] }
            ]
            """);

        var result = await RunAsync(workflow, work);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Be("Load failed: 3 rows rejected");
        work.Runs.Select(r => r.TaskName).Should().BeEquivalentTo(["Load", "MoveToFailed", "Notify"]);
        (await StatusesAsync()).Should().Equal(new Dictionary<string, StepStatus>
        {
            ["Load"] = StepStatus.Failed, ["Archive"] = StepStatus.Skipped, ["MoveToFailed"] = StepStatus.Completed, ["Notify"] = StepStatus.Completed,
        });
        (await _log.ReadAsync("job", CancellationToken.None)).Should().Contain(l => l.Step == "Archive" && l.Message.Contains("needs Load to be succeeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_error_path_is_skipped_when_nothing_fails()
    {
        var work = Work();
        var workflow = Workflow("""
            [
              { "name": "Load", "type": "Work" },
              { "name": "MoveToFailed", "type": "Work", "dependsOn": [ { "task": "Load", "on": "failed" } ] },
              { "name": "AfterCleanup", "type": "Work", "dependsOn": [ { "task": "MoveToFailed", "on": "finished" } ] }
            ]
            """);

        var result = await RunAsync(workflow, work);

        result.Status.Should().Be(RunStatus.Completed);
        (await StatusesAsync()).Values.Should().Equal(StepStatus.Completed, StepStatus.Skipped, StepStatus.Skipped);
    }

    [Theory]
    [InlineData(3L, "Clean")]
    [InlineData(0L, "AllGood")]
    public async Task A_decision_over_an_earlier_output_chooses_the_branch(long rejected, string branch)
    {
        var work = Work((context, _) => context.TaskName == "Load" ? Completed(("rowsRejected", rejected)) : Completed());
        var workflow = Workflow("""
            [
              { "name": "Load", "type": "Work" },
              { "name": "Check", "type": "Decision", "inputs": { "expression": "Load.rowsRejected > 0 && Variables.mode == \"strict\"" } },
              { "name": "Clean", "type": "Work", "dependsOn": [ { "task": "Check", "on": "true" } ] },
              { "name": "AllGood", "type": "Work", "dependsOn": [ { "task": "Check", "on": "false" } ] }
            ]
            """);

        var result = await RunAsync(workflow, work, new DecisionTask());

        result.Status.Should().Be(RunStatus.Completed);
        work.Runs.Select(r => r.TaskName).Should().Equal("Load", branch);
        var steps = await StatusesAsync();
        steps[branch].Should().Be(StepStatus.Completed);
        steps[branch == "Clean" ? "AllGood" : "Clean"].Should().Be(StepStatus.Skipped);
    }

    [Fact]
    public async Task A_failed_attempt_is_retried_until_the_retry_count_is_used_up()
    {
        var attempts = 0;
        var work = Work((_, _) => ++attempts < 3 ? throw new TaskFailedException($"attempt {attempts} failed") : Completed());

        var succeeded = await RunAsync(Workflow("""[ { "name": "Flaky", "type": "Work", "retry": { "count": 2, "delaySeconds": 0.01, "backoff": 2 } } ]"""), work);

        succeeded.Status.Should().Be(RunStatus.Completed);
        attempts.Should().Be(3);
        (await _log.ReadAsync("job", CancellationToken.None)).Should().Contain(l => l.Message.Contains("attempt 1 of 3 failed: attempt 1 failed; trying again", StringComparison.Ordinal));
    }

    [Fact]
    public async Task When_every_attempt_fails_the_step_fails_with_the_last_reason()
    {
        var attempts = 0;
        var work = Work((_, _) => throw new TaskFailedException($"attempt {++attempts} failed"));

        var result = await RunAsync(Workflow("""[ { "name": "Flaky", "type": "Work", "retry": { "count": 1, "delaySeconds": 0 } } ]"""), work);

        result.Error.Should().Be("Flaky failed: attempt 2 failed");
        attempts.Should().Be(2);
    }

    [Fact]
    public async Task A_task_that_runs_past_its_timeout_fails_saying_so()
    {
        var work = Work(async (_, token) =>
        {
            await Task.Delay(Timeout.Infinite, token);
            return Outputs();
        });

        var result = await RunAsync(Workflow("""[ { "name": "Slow", "type": "Work", "timeoutSeconds": 0.2 } ]"""), work);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Be("Slow failed: timed out after 0.2 s");
    }

    [Fact]
    public async Task A_job_that_runs_past_its_timeout_stops_its_tasks_and_fails_saying_so()
    {
        var work = Work(async (context, token) =>
        {
            await Task.Delay(context.TaskName == "Slow" ? Timeout.Infinite : 0, token);
            return Outputs();
        });
        var workflow = Workflow(
            """[ { "name": "Slow", "type": "Work" }, { "name": "After", "type": "Work", "dependsOn": [ "Slow" ] } ]""",
            extra: "\"timeoutSeconds\": 0.3,");

        var result = await RunAsync(workflow, work);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Be("the job timed out after 0.3 s");
        var run = (await _store.FindAsync("job", CancellationToken.None))!;
        run.Steps[0].Error.Should().Be("stopped: the job timed out after 0.3 s");
        run.Steps[1].Status.Should().Be(StepStatus.Cancelled);
    }

    [Fact]
    public async Task Workflow_outputs_are_computed_from_task_outputs()
    {
        var work = Work((_, _) => Completed(("rowsWritten", 20L)));
        var workflow = TestTasks.Load("""
            {
              "name": "w",
              "tasks": [ { "name": "Load", "type": "Work" } ],
              "outputs": [ { "name": "loaded", "type": "int", "value": "${Load.rowsWritten}" }, { "name": "summary", "value": "loaded ${Load.rowsWritten} rows" } ]
            }
            """);

        var result = await RunAsync(workflow, work);

        result.Outputs.Should().BeEquivalentTo(new Dictionary<string, object?> { ["loaded"] = 20L, ["summary"] = "loaded 20 rows" });
    }

    [Fact]
    public async Task RunWorkflow_runs_the_other_workflow_with_its_parameters_and_exposes_its_outputs()
    {
        var work = Work((context, _) => Completed(("rowsWritten", context.Inputs.Count == 0 ? 7L : 0L)));
        var child = TestTasks.Load("""
            {
              "name": "child",
              "variables": [ { "name": "file", "type": "string", "required": true } ],
              "tasks": [ { "name": "Load", "type": "Work" } ],
              "outputs": [ { "name": "loaded", "type": "int", "value": "${Load.rowsWritten}" }, { "name": "file", "value": "${Variables.file}" } ]
            }
            """);
        var parent = TestTasks.Load("""
            {
              "name": "parent",
              "tasks": [
                { "name": "Child", "type": "RunWorkflow", "inputs": { "workflow": "child", "file": "in/a.csv" } },
                { "name": "Check", "type": "Decision", "inputs": { "expression": "Child.loaded == 7 && Child.file == \"in/a.csv\"" } }
              ],
              "outputs": [ { "name": "childLoaded", "type": "int", "value": "${Child.loaded}" } ]
            }
            """);
        var registry = TestTasks.Registry(work, new DecisionTask(), new RunWorkflowTask());
        new WorkflowValidator(registry).Validate(parent, name => name == "child" ? child : null).Should().BeEmpty();

        var result = await RunAsync(parent, TestTasks.Workflows(child), work, new DecisionTask(), new RunWorkflowTask());

        result.Status.Should().Be(RunStatus.Completed, result.Error ?? "");
        result.Outputs["childLoaded"].Should().Be(7L);
        (await _store.FindAsync("job", CancellationToken.None))!.Steps[1].Outputs[DecisionTask.Result].Should().Be(true);
        (await _log.ReadAsync("job", CancellationToken.None)).Should().Contain(l => l.Step == "child/Load" && l.Message.Contains("completed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task RunWorkflow_gives_the_child_the_defaults_of_the_variables_the_task_does_not_set()
    {
        var child = TestTasks.Load("""
            {
              "name": "child",
              "variables": [ { "name": "minimum", "type": "int", "default": 10 }, { "name": "file", "type": "string", "required": true } ],
              "tasks": [ { "name": "Enough", "type": "Decision", "inputs": { "expression": "Variables.minimum == 10 && Variables.file == \"a.csv\"" } } ],
              "outputs": [ { "name": "minimum", "type": "int", "value": "${Variables.minimum}" } ]
            }
            """);
        var parent = TestTasks.Load("""
            {
              "name": "parent",
              "tasks": [ { "name": "Child", "type": "RunWorkflow", "inputs": { "workflow": "child", "file": "a.csv" } } ],
              "outputs": [ { "name": "childMinimum", "type": "int", "value": "${Child.minimum}" } ]
            }
            """);

        var result = await RunAsync(parent, TestTasks.Workflows(child), new DecisionTask(), new RunWorkflowTask());

        result.Status.Should().Be(RunStatus.Completed, result.Error ?? "");
        result.Outputs["childMinimum"].Should().Be(10L);
    }

    [Fact]
    public void RunWorkflow_is_checked_against_the_childs_variables_like_a_run_request()
    {
        var child = TestTasks.Load("""
            { "name": "child", "variables": [ { "name": "minimum", "type": "int", "default": 10 }, { "name": "file", "type": "string", "required": true } ],
              "tasks": [ { "name": "Enough", "type": "Decision", "inputs": { "expression": "Variables.minimum > 1" } } ] }
            """);
        var parent = TestTasks.Load("""
            { "name": "parent", "tasks": [ { "name": "Child", "type": "RunWorkflow", "inputs": { "workflow": "child", "minimum": "ten", "colour": "red" } } ] }
            """);

        var problems = new WorkflowValidator(TestTasks.Registry(new DecisionTask(), new RunWorkflowTask())).Validate(parent, name => name == "child" ? child : null);

        problems.Select(p => p.Path).Should().BeEquivalentTo(["$.tasks[0].inputs.minimum", "$.tasks[0].inputs.colour", "$.tasks[0].inputs"]);
        problems.Select(p => p.Message).Should().Contain(m => m.Contains("'ten' is not a valid int", StringComparison.Ordinal))
            .And.Contain(m => m.Contains("no input 'colour'", StringComparison.Ordinal))
            .And.Contain(m => m.Contains("the required input 'file'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_failing_nested_workflow_fails_the_RunWorkflow_step_with_its_reason()
    {
        var work = Work((_, _) => throw new TaskFailedException("no such file"));
        var child = TestTasks.Load("""{ "name": "child", "tasks": [ { "name": "Load", "type": "Work" } ] }""");
        var parent = TestTasks.Load("""{ "name": "parent", "tasks": [ { "name": "Child", "type": "RunWorkflow", "inputs": { "workflow": "child" } } ] }""");

        var result = await RunAsync(parent, TestTasks.Workflows(child), work, new RunWorkflowTask());

        result.Error.Should().Be("Child failed: the workflow 'child' failed: child/Load failed: no such file");
    }

    [Fact]
    public async Task Cancelling_the_job_cancels_running_and_waiting_tasks()
    {
        using var cancel = new CancellationTokenSource();
        var work = Work(async (_, token) =>
        {
            await cancel.CancelAsync();
            await Task.Delay(Timeout.Infinite, token);
            return Outputs();
        });
        var workflow = Workflow("""[ { "name": "Slow", "type": "Work" }, { "name": "After", "type": "Work", "dependsOn": [ "Slow" ] } ]""");

        var result = await RunAsync(workflow, TestTasks.Workflows(), [work], cancel.Token);

        result.Status.Should().Be(RunStatus.Cancelled);
        (await StatusesAsync()).Values.Should().Equal(StepStatus.Cancelled, StepStatus.Cancelled);
    }

    [Fact]
    public async Task A_cancel_that_comes_after_the_last_step_committed_leaves_the_job_Completed_and_says_it_came_too_late()
    {
        using var cancel = new CancellationTokenSource();
        // The last step is a load past its COMMIT when the cancel comes: it still reports what it did.
        var work = Work(async (context, _) =>
        {
            if (context.TaskName == "Load")
            {
                await cancel.CancelAsync();
            }

            return Outputs(("rowsWritten", 2_000_000L));
        });
        var workflow = Workflow("""[ { "name": "First", "type": "Work" }, { "name": "Load", "type": "Work", "dependsOn": [ "First" ] } ]""");

        var result = await RunAsync(workflow, TestTasks.Workflows(), [work], cancel.Token);

        result.Status.Should().Be(RunStatus.Completed);
        (await StatusesAsync()).Values.Should().Equal(StepStatus.Completed, StepStatus.Completed);
        (await _log.ReadAsync("job", CancellationToken.None)).Should().Contain(l => l.Step == null && l.Message.Contains("The cancel came too late", StringComparison.Ordinal));
    }

    private static WorkflowDefinition Workflow(string tasks, string extra = "") => TestTasks.Load($$"""
        { "name": "w", {{extra}} "variables": [ { "name": "mode", "type": "string", "default": "strict" } ], "tasks": {{tasks}} }
        """);

    private static FakeTask Work(Func<TaskRunContext, CancellationToken, Task<IReadOnlyDictionary<string, object?>>>? run = null) =>
        new("Work", [], [new("rowsRejected", ScalarType.Int, "Rejected rows"), new("rowsWritten", ScalarType.Int, "Written rows")], run);

    private static Dictionary<string, object?> Outputs(params (string Name, object? Value)[] values) =>
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase);

    private static Task<IReadOnlyDictionary<string, object?>> Completed(params (string Name, object? Value)[] values) =>
        Task.FromResult<IReadOnlyDictionary<string, object?>>(Outputs(values));

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }

    private Task<WorkflowRunResult> RunAsync(WorkflowDefinition workflow, params IWorkflowTask[] tasks) =>
        RunAsync(workflow, TestTasks.Workflows(), tasks);

    private Task<WorkflowRunResult> RunAsync(WorkflowDefinition workflow, IWorkflowDefinitions workflows, params IWorkflowTask[] tasks) =>
        RunAsync(workflow, workflows, tasks, CancellationToken.None);

    private Task<WorkflowRunResult> RunAsync(
        WorkflowDefinition workflow, IWorkflowDefinitions workflows, IWorkflowTask[] tasks, CancellationToken cancellationToken)
    {
        var registry = TestTasks.Registry(tasks);
        new WorkflowValidator(registry).Validate(workflow, name => workflows.TryGet(name, out var found) ? found : null).Should().BeEmpty();
        var variables = workflow.Variables.ToDictionary(v => v.Name, v => (object?)v.Default?.GetString(), StringComparer.OrdinalIgnoreCase);
        var engine = new WorkflowEngine(registry, workflows, _store, TimeProvider.System, NullLogger<WorkflowEngine>.Instance, _log);
        var request = new WorkflowRunRequest(
            "job", workflow, [], new BoundParameters(variables, new Dictionary<string, IReadOnlyDictionary<string, object?>>()), Path.Combine(_folder.Path, "job"));
        return engine.RunAsync(request, cancellationToken);
    }

    private async Task<Dictionary<string, StepStatus>> StatusesAsync() =>
        (await _store.FindAsync("job", CancellationToken.None))!.Steps.ToDictionary(s => s.Name, s => s.Status);
}

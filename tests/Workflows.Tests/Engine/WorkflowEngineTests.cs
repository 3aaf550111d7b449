using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Engine;

public sealed class WorkflowEngineTests : IDisposable
{
    private const string JobId = "job-1";

    // "Use" comes first in the document but reads Make's outputs, so Make runs first.
    private static readonly WorkflowDefinition Workflow = TestTasks.Load("""
        {
          "name": "make-and-use",
          "variables": [ { "name": "source", "type": "string" }, { "name": "n", "type": "int" } ],
          "tasks": [
            { "name": "Use", "type": "Consume", "inputs": { "path": "${Make.name}", "size": "${Make.size}", "total": "${Make.size}" } },
            { "name": "Make", "type": "Produce", "inputs": { "text": "from ${Variables.source}", "count": "${Variables.n}", "flag": "true" } }
          ]
        }
        """);

    private readonly TempFolder _folder = new();
    private readonly InMemoryJobRunStore _store = new();
    private readonly TickingTime _time = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Steps_run_in_dependency_order_and_outputs_flow_into_later_inputs()
    {
        var order = new List<string>();
        var make = TestTasks.Produce(Returning(order, new() { ["name"] = "out.csv", ["size"] = 12L, ["total"] = 3.5m, ["ok"] = true }));
        var use = TestTasks.Consume(Returning(order, new() { ["done"] = true }));

        var result = await Run(make, use, Variables(("source", "in/orders.csv"), ("n", 5L)));

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Completed, null), o => o.Excluding(r => r.Steps));
        result.Steps.Should().BeEquivalentTo((await _store.FindAsync(JobId, CancellationToken.None))!.Steps, "the result carries the steps as recorded");
        result.Steps.Select(s => s.Status).Should().Equal(StepStatus.Completed, StepStatus.Completed);
        order.Should().Equal("Make", "Use");
        make.Runs.Single().Inputs.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["text"] = "from in/orders.csv", ["count"] = 5L, ["flag"] = true,
        });
        use.Runs.Single().Inputs.Should().BeEquivalentTo(new Dictionary<string, object?>
        {
            ["path"] = "out.csv", ["size"] = 12L, ["total"] = 12m,
        });
    }

    [Fact]
    public async Task Run_parameters_override_the_inputs_of_the_definition()
    {
        var use = TestTasks.Consume();
        var parameters = new BoundParameters(
            new Dictionary<string, object?> { ["source"] = "a", ["n"] = 1L },
            new Dictionary<string, IReadOnlyDictionary<string, object?>>(StringComparer.OrdinalIgnoreCase)
            {
                ["Use"] = new Dictionary<string, object?> { ["path"] = "/override.csv" },
                ["Make"] = new Dictionary<string, object?> { ["count"] = 99L },
            });
        var make = TestTasks.Produce(Returning([], new() { ["name"] = "out.csv", ["size"] = 1L }));

        await Run(make, use, parameters);

        make.Runs.Single().Inputs["count"].Should().Be(99L);
        make.Runs.Single().Inputs["text"].Should().Be("from a");
        use.Runs.Single().Inputs["path"].Should().Be("/override.csv");
        use.Runs.Single().Inputs["size"].Should().Be(1L);
    }

    [Fact]
    public async Task Step_records_have_start_and_finish_times_and_outputs_and_the_job_is_Completed()
    {
        var make = TestTasks.Produce(Returning([], new() { ["name"] = "out.csv", ["size"] = 12L }));
        var use = TestTasks.Consume(Returning([], new() { ["done"] = true }));
        var assignments = new List<ParameterAssignment> { new("Variables", "source", "in/orders.csv") };

        await Run(make, use, Variables(("source", "in/orders.csv")), assignments);

        var run = await Find();
        run.Workflow.Should().Be("make-and-use");
        run.Status.Should().Be(RunStatus.Completed);
        run.Error.Should().BeNull();
        run.Parameters.Should().Equal(assignments);
        run.StartedAt.Should().NotBeNull();
        run.FinishedAt.Should().BeAfter(run.StartedAt!.Value);
        run.Steps.Select(s => (s.Name, s.Type, s.Status)).Should().Equal(
            ("Make", "Produce", StepStatus.Completed),
            ("Use", "Consume", StepStatus.Completed));
        foreach (var step in run.Steps)
        {
            step.StartedAt.Should().NotBeNull().And.BeOnOrAfter(run.StartedAt.Value);
            step.FinishedAt.Should().NotBeNull().And.BeAfter(step.StartedAt!.Value).And.BeOnOrBefore(run.FinishedAt!.Value);
            step.Error.Should().BeNull();
        }

        run.Steps[0].Outputs.Should().BeEquivalentTo(new Dictionary<string, object?> { ["name"] = "out.csv", ["size"] = 12L });
        run.Steps[1].Outputs.Should().BeEquivalentTo(new Dictionary<string, object?> { ["done"] = true });
    }

    [Fact]
    public async Task The_job_folder_is_created_and_given_to_every_task()
    {
        var jobDirectory = Path.Combine(_folder.Path, "jobs", JobId);
        var make = TestTasks.Produce(Returning([], new() { ["name"] = "x" }));
        var use = TestTasks.Consume();

        await Run(make, use, Variables(), jobDirectory: jobDirectory);

        Directory.Exists(jobDirectory).Should().BeTrue();
        make.Runs.Single().JobDirectory.Should().Be(jobDirectory);
        use.Runs.Single().JobDirectory.Should().Be(jobDirectory);
        make.Runs.Single().JobId.Should().Be(JobId);
        make.Runs.Single().TaskName.Should().Be("Make");
    }

    [Fact]
    public async Task A_failing_task_fails_the_job_with_its_message_and_later_tasks_are_Skipped()
    {
        var make = TestTasks.Produce((_, _) => throw new TaskFailedException("the file in/orders.csv does not exist"));
        var use = TestTasks.Consume();

        var result = await Run(make, use, Variables());

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Failed, "Make failed: the file in/orders.csv does not exist"), o => o.Excluding(r => r.Steps));
        use.Runs.Should().BeEmpty();
        var run = await Find();
        run.Status.Should().Be(RunStatus.Failed);
        run.Error.Should().Be("Make failed: the file in/orders.csv does not exist");
        run.FinishedAt.Should().NotBeNull();
        run.Steps[0].Status.Should().Be(StepStatus.Failed);
        run.Steps[0].Error.Should().Be("the file in/orders.csv does not exist");
        run.Steps[0].StartedAt.Should().NotBeNull();
        run.Steps[0].FinishedAt.Should().BeAfter(run.Steps[0].StartedAt!.Value);
        run.Steps[1].Should().BeEquivalentTo(StepRun.Pending("Use", "Consume") with { Status = StepStatus.Skipped });
    }

    [Fact]
    public async Task An_unexpected_exception_fails_the_step_with_its_message()
    {
        var make = TestTasks.Produce((_, _) => throw new InvalidOperationException("disk full"));

        var result = await Run(make, TestTasks.Consume(), Variables());

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Failed, "Make failed: disk full"), o => o.Excluding(r => r.Steps));
        var run = await Find();
        run.Steps.Select(s => (s.Status, s.Error)).Should().Equal((StepStatus.Failed, "disk full"), (StepStatus.Skipped, null));
    }

    [Fact]
    public async Task An_operation_cancelled_inside_a_task_without_a_cancel_request_is_a_failure()
    {
        var make = TestTasks.Produce((_, _) => throw new OperationCanceledException("the server timed out"));

        var result = await Run(make, TestTasks.Consume(), Variables());

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Failed, "Make failed: the server timed out"), o => o.Excluding(r => r.Steps));
    }

    [Fact]
    public async Task Cancellation_marks_the_running_step_and_the_job_Cancelled()
    {
        using var cancellation = new CancellationTokenSource();
        var make = TestTasks.Produce(async (_, token) =>
        {
            await cancellation.CancelAsync();
            token.ThrowIfCancellationRequested();
            return new Dictionary<string, object?>();
        });
        var use = TestTasks.Consume();

        var result = await Run(make, use, Variables(), cancellationToken: cancellation.Token);

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Cancelled, "the job was cancelled"), o => o.Excluding(r => r.Steps));
        use.Runs.Should().BeEmpty();
        var run = await Find();
        run.Status.Should().Be(RunStatus.Cancelled);
        run.Error.Should().Be("the job was cancelled");
        run.Steps.Select(s => (s.Status, s.Error)).Should().Equal((StepStatus.Cancelled, "cancelled"), (StepStatus.Cancelled, null));
        run.Steps[0].FinishedAt.Should().NotBeNull();
    }

    [Fact]
    public async Task A_required_input_whose_reference_has_no_value_fails_the_step()
    {
        var make = TestTasks.Produce(Returning([], new() { ["size"] = 1L }));
        var use = TestTasks.Consume();

        var result = await Run(make, use, Variables());

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Failed, "Use failed: the required input 'path' has no value"), o => o.Excluding(r => r.Steps));
        use.Runs.Should().BeEmpty();
    }

    [Fact]
    public async Task A_value_that_does_not_convert_to_the_input_type_fails_the_step_naming_the_input()
    {
        var workflow = TestTasks.Load("""
            { "name": "w", "variables": [ { "name": "n", "type": "int" } ], "tasks": [ { "name": "Make", "type": "Produce", "inputs": { "text": "x", "count": "n=${Variables.n}" } } ] }
            """);
        var engine = new WorkflowEngine(TestTasks.Registry(TestTasks.Produce()), TestTasks.Workflows(), _store, _time, NullLogger<WorkflowEngine>.Instance);

        var result = await engine.RunAsync(
            new WorkflowRunRequest(JobId, workflow, [], Variables(("n", 5L)), Path.Combine(_folder.Path, JobId)), CancellationToken.None);

        result.Should().BeEquivalentTo(new WorkflowRunResult(RunStatus.Failed, "Make failed: the input 'count' of Make: 'n=5' is not a valid int"), o => o.Excluding(r => r.Steps));
    }

    [Fact]
    public async Task Creating_the_record_before_the_run_keeps_its_creation_time()
    {
        var created = new DateTimeOffset(2020, 1, 1, 0, 0, 0, TimeSpan.Zero);
        await _store.CreateAsync(new JobRun(JobId, "make-and-use", RunStatus.Queued, created, null, null, [], null, []), CancellationToken.None);

        await Run(TestTasks.Produce(Returning([], new() { ["name"] = "x" })), TestTasks.Consume(), Variables());

        var run = await Find();
        run.CreatedAt.Should().Be(created);
        run.Status.Should().Be(RunStatus.Completed);
        run.Steps.Should().HaveCount(2);
    }

    private static BoundParameters Variables(params (string Name, object? Value)[] values) => new(
        values.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase),
        new Dictionary<string, IReadOnlyDictionary<string, object?>>());

    private static Func<TaskRunContext, CancellationToken, Task<IReadOnlyDictionary<string, object?>>> Returning(
        List<string> order, Dictionary<string, object?> outputs) => (context, _) =>
        {
            order.Add(context.TaskName);
            return Task.FromResult<IReadOnlyDictionary<string, object?>>(outputs);
        };

    [Fact]
    public async Task The_job_log_of_steps_run_one_at_a_time_travels_with_the_step_and_record_writes_and_needs_no_write_of_its_own()
    {
        var log = new InMemoryJobLog();
        var store = new InMemoryJobRunStore(new InMemoryIdempotencyKeys(TimeProvider.System), log);
        var appendsOfTheirOwn = new CountingJobLog();
        var make = TestTasks.Produce(Returning([], new() { ["name"] = "out.csv", ["size"] = 1L }));
        var engine = new WorkflowEngine(TestTasks.Registry(make, TestTasks.Consume()), TestTasks.Workflows(), store, _time, NullLogger<WorkflowEngine>.Instance, appendsOfTheirOwn);

        await engine.RunAsync(new WorkflowRunRequest(JobId, Workflow, [], Variables(("source", "in.csv"), ("n", 1L)), Path.Combine(_folder.Path, JobId)), CancellationToken.None);

        appendsOfTheirOwn.Appends.Should().Be(0);
        var messages = (await log.ReadAsync(JobId, CancellationToken.None)).Select(l => l.Message).ToList();
        messages.Should().HaveCount(6);
        messages[0].Should().Be("Job job-1 of workflow make-and-use started");
        messages.Should().Contain(m => m.StartsWith("Make completed in", StringComparison.Ordinal)).And.Contain(m => m.StartsWith("Use completed in", StringComparison.Ordinal));
        messages[^1].Should().Be("Job job-1 finished Completed");
    }

    private Task<WorkflowRunResult> Run(
        FakeTask make,
        FakeTask use,
        BoundParameters parameters,
        IReadOnlyList<ParameterAssignment>? assignments = null,
        string? jobDirectory = null,
        CancellationToken cancellationToken = default)
    {
        var engine = new WorkflowEngine(TestTasks.Registry(make, use), TestTasks.Workflows(), _store, _time, NullLogger<WorkflowEngine>.Instance);
        var request = new WorkflowRunRequest(JobId, Workflow, assignments ?? [], parameters, jobDirectory ?? Path.Combine(_folder.Path, JobId));
        return engine.RunAsync(request, cancellationToken);
    }

    private async Task<JobRun> Find() => (await _store.FindAsync(JobId, CancellationToken.None))!;

    private sealed class CountingJobLog : IJobLog
    {
        public int Appends { get; private set; }

        public Task AppendAsync(string jobId, IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken)
        {
            Appends++;
            return Task.CompletedTask;
        }

        public Task<IReadOnlyList<JobLogLine>> ReadAsync(string jobId, CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<JobLogLine>>([]);

        public Task DeleteAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>A clock that moves one second at every reading, so that every recorded time is distinct and ordered.</summary>
    private sealed class TickingTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 1, 31, 8, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now = _now.AddSeconds(1);
    }
}

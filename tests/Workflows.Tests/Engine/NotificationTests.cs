using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Tasks;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Engine;

public sealed class NotificationTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<string> _notified = [];

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task After_a_failed_graph_onFailure_and_onFinished_run_with_the_job_status_and_error_and_the_job_stays_failed()
    {
        var run = await Harness(fail: "disk full").RunAsync("""
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ],
              "onFailure": [ { "name": "Alarm", "type": "Consume", "inputs": { "path": "${Job.status}: ${Job.error}" } } ],
              "onSuccess": [ { "name": "Cheer", "type": "Consume", "inputs": { "path": "fine" } } ],
              "onFinished": [ { "name": "Always", "type": "Consume", "inputs": { "path": "done ${Job.status}" } } ] }
            """);

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Result.Error.Should().Be("Produce1 failed: disk full");
        run.Job.Steps.Select(s => (s.Name, s.Status)).Should().Equal(
            ("Produce1", StepStatus.Failed), ("Alarm", StepStatus.Completed), ("Cheer", StepStatus.Skipped), ("Always", StepStatus.Completed));
        _notified.Should().Equal("Failed: Produce1 failed: disk full", "done Failed");
    }

    [Fact]
    public async Task After_a_completed_graph_onSuccess_reads_the_outputs_of_its_tasks()
    {
        var run = await Harness().RunAsync("""
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ],
              "onFailure": [ { "name": "Alarm", "type": "Consume", "inputs": { "path": "bad" } } ],
              "onSuccess": [ { "name": "Cheer", "type": "Consume", "inputs": { "path": "${Produce1.name} ${Job.status}[${Job.error}]", "size": "${Produce1.size}" } } ] }
            """);

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        run.Steps["Alarm"].Status.Should().Be(StepStatus.Skipped);
        _notified.Should().Equal("orders.csv Completed[]");
    }

    [Fact]
    public async Task A_failing_notification_is_recorded_and_logged_and_the_job_stays_completed()
    {
        var run = await Harness(failNotification: "mail server down").RunAsync("""
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ],
              "onSuccess": [ { "name": "Cheer", "type": "Consume", "inputs": { "path": "fine" } } ],
              "onFinished": [ { "name": "Always", "type": "Consume", "inputs": { "path": "after" } } ] }
            """);

        run.Result.Status.Should().Be(RunStatus.Completed);
        run.Result.Error.Should().BeNull();
        run.Steps["Cheer"].Status.Should().Be(StepStatus.Failed);
        run.Steps["Cheer"].Error.Should().Be("mail server down");
        run.Steps["Always"].Status.Should().Be(StepStatus.Failed, "every notification is tried, one failing does not stop the next");
        run.Log.Should().Contain("A notification did not go out").And.Contain("the job stays Completed");
    }

    [Fact]
    public async Task The_notice_of_a_job_that_timed_out_still_goes_out()
    {
        var run = await Harness(hang: true).RunAsync("""
            { "name": "w", "timeoutSeconds": 0.3, "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ],
              "onFailure": [ { "name": "Alarm", "type": "Consume", "inputs": { "path": "${Job.error}" } } ] }
            """);

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Steps["Alarm"].Status.Should().Be(StepStatus.Completed);
        _notified.Should().Equal("the job timed out after 0.3 s");
    }

    [Fact]
    public async Task A_cancelled_job_runs_no_notification()
    {
        using var cancel = new CancellationTokenSource();
        await cancel.CancelAsync();

        var run = await Harness().RunAsync(
            """
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ],
              "onFailure": [ { "name": "Alarm", "type": "Consume", "inputs": { "path": "a" } } ],
              "onFinished": [ { "name": "Always", "type": "Consume", "inputs": { "path": "b" } } ] }
            """,
            cancel.Token);

        run.Result.Status.Should().Be(RunStatus.Cancelled);
        run.Steps["Alarm"].Status.Should().Be(StepStatus.Skipped);
        run.Steps["Always"].Status.Should().Be(StepStatus.Skipped);
        _notified.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{ "name": "N", "type": "SendMail", "inputs": { "connection": "Nowhere", "to": "a@example.com", "subject": "s", "body": "b" } }""", "$.onFailure[0].inputs.connection", "is not configured")]
    [InlineData("""{ "name": "N", "type": "SendMail", "inputs": { "connection": "Api", "to": "a@example.com", "subject": "s", "body": "b" } }""", "$.onFailure[0].inputs.connection", "is a Http connection")]
    [InlineData("""{ "name": "N", "type": "Consume", "inputs": { "path": "${Job.nothing}" } }""", "$.onFailure[0].inputs.path", "the job has status and error")]
    [InlineData("""{ "name": "N", "type": "Consume", "inputs": { "path": "${Other.name}" } }""", "$.onFailure[0].inputs.path", "names no task of the graph")]
    [InlineData("""{ "name": "N", "type": "Consume", "inputs": { "path": "${Produce1.nothing}" } }""", "$.onFailure[0].inputs.path", "has no output 'nothing'")]
    [InlineData("""{ "name": "N", "type": "Nope", "inputs": {} }""", "$.onFailure[0].type", "unknown task type 'Nope'")]
    [InlineData("""{ "name": "N", "type": "Consume", "dependsOn": ["Produce1"], "inputs": { "path": "p" } }""", "$.onFailure[0].dependsOn", "has no dependsOn")]
    [InlineData("""{ "name": "N", "type": "Consume", "overridable": ["path"], "inputs": { "path": "p" } }""", "$.onFailure[0].overridable", "cannot set the inputs")]
    [InlineData("""{ "name": "Produce1", "type": "Consume", "inputs": { "path": "p" } }""", "$.onFailure[0].name", "is used twice")]
    [InlineData("""{ "name": "Job", "type": "Consume", "inputs": { "path": "p" } }""", "$.onFailure[0].name", "is reserved")]
    public void A_notification_with_a_bad_connection_reference_type_or_shape_is_rejected_at_its_path(string notification, string path, string problem)
    {
        var problems = Harness().Validate($$"""
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ], "onFailure": [ {{notification}} ] }
            """);

        problems.Should().Contain(p => p.Path == path && p.Message.Contains(problem, StringComparison.Ordinal), string.Join("; ", problems.Select(p => $"{p.Path}: {p.Message}")));
    }

    [Fact]
    public void The_job_status_is_for_notifications_only()
    {
        var problems = Harness().Validate("""
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "${Job.status}" } } ] }
            """);

        problems.Should().ContainSingle(p => p.Path == "$.tasks[0].inputs.text").Which.Message.Should().Contain("names no task");
    }

    [Fact]
    public void More_notifications_in_one_list_than_the_cap_are_rejected()
    {
        var many = string.Join(", ", Enumerable.Range(0, WorkflowNotifications.MaxPerList + 1).Select(i => $$"""{ "name": "N{{i}}", "type": "Consume", "inputs": { "path": "p" } }"""));

        var problems = Harness().Validate($$"""
            { "name": "w", "tasks": [ { "name": "Produce1", "type": "Produce", "inputs": { "text": "x" } } ], "onFinished": [ {{many}} ] }
            """);

        problems.Should().ContainSingle(p => p.Path == "$.onFinished").Which.Message.Should().Contain($"more than the {WorkflowNotifications.MaxPerList}");
    }

    private WorkflowHarness Harness(string? fail = null, string? failNotification = null, bool hang = false)
    {
        var produce = TestTasks.Produce(async (_, token) =>
        {
            if (hang)
            {
                await Task.Delay(Timeout.Infinite, token);
            }

            return fail is null
                ? new Dictionary<string, object?> { ["name"] = "orders.csv", ["size"] = 3L }
                : throw new TaskFailedException(fail);
        });
        var consume = TestTasks.Consume((context, _) =>
        {
            if (failNotification is not null)
            {
                throw new TaskFailedException(failNotification);
            }

            lock (_notified)
            {
                _notified.Add((string)context.Inputs["path"]!);
            }

            return Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?>());
        });
        var connections = new ConnectionCatalog(new Dictionary<string, ConnectionSettings> { ["Api"] = new() { Type = "Http", BaseUrl = "http://127.0.0.1:1/" } });
        return new WorkflowHarness(TestTasks.Registry(produce, consume, new SendMailTask(connections)), connections, _folder.Path);
    }
}

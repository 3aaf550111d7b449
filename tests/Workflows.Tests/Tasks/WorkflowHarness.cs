using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Validation;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;

namespace Scheduler.Workflows.Tests.Tasks;

/// <summary>
/// Runs a workflow document through the validator and the engine, with the task types and connections a test gives,
/// and hands back the job's result, its step records and its log: what a user would see of the job.
/// </summary>
internal sealed class WorkflowHarness
{
    private const string JobId = "job-1";
    private readonly TaskRegistry _tasks;
    private readonly ConnectionCatalog _connections;
    private readonly string _jobFolder;
    private readonly InMemoryJobLog _log = new();
    private readonly InMemoryJobRunStore _store;

    public WorkflowHarness(TaskRegistry tasks, ConnectionCatalog connections, string jobFolder)
    {
        _tasks = tasks;
        _connections = connections;
        _jobFolder = jobFolder;

        // The engine's step ends carry their log lines to the store, which writes them to this log.
        _store = new(new InMemoryIdempotencyKeys(TimeProvider.System), _log);
    }

    /// <summary>The folder of the job: relative paths of the job's files start here.</summary>
    public string JobDirectory => Path.Combine(_jobFolder, JobId);

    public IReadOnlyList<DefinitionProblem> Validate(string workflowJson)
    {
        var loaded = WorkflowDefinitionLoader.Load(workflowJson);
        return [.. loaded.Problems, .. new WorkflowValidator(_tasks, _connections).Validate(loaded.Definition ?? loaded.Draft!)];
    }

    public Task<HarnessRun> RunAsync(string workflowJson, params (string Name, object? Value)[] variables) =>
        RunAsync(workflowJson, CancellationToken.None, variables);

    /// <param name="workflowJson">The workflow document.</param>
    /// <param name="jobToken">The job's cancellation, as a cancel request or a stopping service fires it.</param>
    /// <param name="variables">The run's variable values.</param>
    public async Task<HarnessRun> RunAsync(string workflowJson, CancellationToken jobToken, params (string Name, object? Value)[] variables)
    {
        var workflow = TestTasks.Load(workflowJson);
        Validate(workflowJson).Should().BeEmpty();
        var engine = new WorkflowEngine(_tasks, TestTasks.Workflows(), _store, TimeProvider.System, NullLogger<WorkflowEngine>.Instance, _log);
        var parameters = new BoundParameters(
            variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase),
            new Dictionary<string, IReadOnlyDictionary<string, object?>>());
        var result = await engine.RunAsync(new WorkflowRunRequest(JobId, workflow, [], parameters, JobDirectory), jobToken);
        var run = (await _store.FindAsync(JobId, CancellationToken.None))!;
        var log = await _log.ReadAsync(JobId, CancellationToken.None);
        return new(result, run, run.Steps.ToDictionary(s => s.Name), string.Join('\n', log.Select(l => $"{l.Level} {l.Message}")));
    }
}

internal sealed record HarnessRun(WorkflowRunResult Result, JobRun Job, IReadOnlyDictionary<string, StepRun> Steps, string Log);

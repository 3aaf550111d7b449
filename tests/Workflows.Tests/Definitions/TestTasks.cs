using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Tests.Definitions;

/// <summary>A task type whose inputs, outputs, checks and behaviour a test chooses; it records every run.</summary>
internal sealed class FakeTask(
    string type,
    IReadOnlyList<TaskInput> inputs,
    IReadOnlyList<TaskOutput> outputs,
    Func<TaskRunContext, CancellationToken, Task<IReadOnlyDictionary<string, object?>>>? run = null,
    Func<IReadOnlyDictionary<string, string>, IEnumerable<string>>? validate = null) : IWorkflowTask
{
    private readonly List<TaskRunContext> _runs = [];

    public string Type => type;

    public IReadOnlyList<TaskInput> Inputs => inputs;

    public IReadOnlyList<TaskOutput> Outputs => outputs;

    public IReadOnlyList<TaskRunContext> Runs => _runs;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs) => validate?.Invoke(literalInputs) ?? [];

    public Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        lock (_runs)
        {
            _runs.Add(context);
        }

        return run?.Invoke(context, cancellationToken) ?? Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?>());
    }
}

/// <summary>The task types most tests share: <c>Produce</c> makes outputs of every type, <c>Consume</c> takes them.</summary>
internal static class TestTasks
{
    public const string Forbidden = "forbidden";

    public static FakeTask Produce(Func<TaskRunContext, CancellationToken, Task<IReadOnlyDictionary<string, object?>>>? run = null) => new(
        "Produce",
        [
            new("text", ScalarType.String, Required: true, "Any text"),
            new("count", ScalarType.Int, Required: false, "A whole number"),
            new("amount", ScalarType.Decimal, Required: false, "A decimal number"),
            new("flag", ScalarType.Bool, Required: false, "A flag"),
            new("when", ScalarType.DateTime, Required: false, "A moment"),
        ],
        [
            new("name", ScalarType.String, "A name"),
            new("size", ScalarType.Int, "A size"),
            new("total", ScalarType.Decimal, "A total"),
            new("ok", ScalarType.Bool, "A flag"),
        ],
        run,
        literals => literals.TryGetValue("text", out var text) && text == Forbidden ? [$"the text '{Forbidden}' is not allowed"] : []);

    public static FakeTask Consume(Func<TaskRunContext, CancellationToken, Task<IReadOnlyDictionary<string, object?>>>? run = null) => new(
        "Consume",
        [
            new("path", ScalarType.String, Required: true, "A path"),
            new("size", ScalarType.Int, Required: false, "A size"),
            new("total", ScalarType.Decimal, Required: false, "A total"),
        ],
        [new("done", ScalarType.Bool, "Whether it is done")],
        run);

    public static TaskRegistry Registry(params IWorkflowTask[] tasks) => new(tasks.Length > 0 ? tasks : [Produce(), Consume()]);

    /// <summary>A set of workflows for tasks that run another one.</summary>
    public static IWorkflowDefinitions Workflows(params WorkflowDefinition[] workflows) => new WorkflowSet(workflows);

    /// <summary>A document that must load without problems.</summary>
    public static WorkflowDefinition Load(string json)
    {
        var result = WorkflowDefinitionLoader.Load(json);
        result.Problems.Should().BeEmpty();
        return result.IsValid ? result.Definition : throw new InvalidOperationException(result.Describe());
    }
}

internal sealed class WorkflowSet(IEnumerable<WorkflowDefinition> workflows) : IWorkflowDefinitions
{
    private readonly Dictionary<string, WorkflowDefinition> _byName = workflows.ToDictionary(w => w.Name, StringComparer.OrdinalIgnoreCase);

    public bool TryGet(string name, out WorkflowDefinition workflow) => _byName.TryGetValue(name, out workflow!);

    public WorkflowDefinition? Find(string name) => _byName.GetValueOrDefault(name);
}

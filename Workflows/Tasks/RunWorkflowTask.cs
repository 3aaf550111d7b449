using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Runs another workflow inside the same job. Its inputs are the other workflow's variables and its outputs are that
/// workflow's outputs, so both are checked like any task's. A chain of workflows that comes back to itself is refused.
/// </summary>
public sealed class RunWorkflowTask : IWorkflowTask
{
    private const string WorkflowInput = "workflow";

    public string Type => "RunWorkflow";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new(WorkflowInput, ScalarType.String, Required: true, "The name of the workflow to run; its variables are this task's other inputs") { Fixed = true },
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } = [];

    /// <summary>The workflow a RunWorkflow task runs, when it names one; null for any other task.</summary>
    public static string? ChildOf(TaskDefinition task) =>
        string.Equals(task.Type, "RunWorkflow", StringComparison.OrdinalIgnoreCase) && task.LiteralInputs().TryGetValue(WorkflowInput, out var name)
            ? name
            : null;

    public IReadOnlyList<TaskInput> InputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) =>
        Child(literalInputs, workflows) is { } child
            ? [.. Inputs, .. child.Variables.Select(v => new TaskInput(v.Name, v.Type, v.Required && v.Default is null, v.Description ?? ""))]
            : Inputs;

    public IReadOnlyList<TaskOutput> OutputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) =>
        Child(literalInputs, workflows) is { } child ? [.. child.Outputs.Select(o => new TaskOutput(o.Name, o.Type, $"The output {o.Name} of {child.Name}"))] : [];

    public IEnumerable<string> ValidateInWorkflow(TaskValidationContext context)
    {
        if (!context.LiteralInputs.TryGetValue(WorkflowInput, out var name))
        {
            if (context.Task.Inputs.ContainsKey(WorkflowInput))
            {
                yield return "write the workflow to run as a name, not a reference: its inputs and outputs depend on it";
            }

            yield break;
        }

        if (context.Workflows(name) is null)
        {
            yield return $"there is no valid workflow named '{name}'";
            yield break;
        }

        if (PathBackTo(context.Workflow.Name, name, context.Workflows, []) is { } cycle)
        {
            yield return $"running '{name}' would run this workflow again: {context.Workflow.Name} -> {string.Join(" -> ", cycle)}";
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString(WorkflowInput);
        var runner = context.ChildWorkflows ?? throw new TaskFailedException("this task can only run inside a job");
        var variables = context.Inputs.Where(i => !string.Equals(i.Key, WorkflowInput, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(i => i.Key, i => i.Value, StringComparer.OrdinalIgnoreCase);
        var result = await runner.RunAsync(name, variables, Path.Combine(context.JobDirectory, context.TaskName), cancellationToken);
        return result.Succeeded ? result.Outputs : throw new TaskFailedException($"the workflow '{name}' failed: {result.Error}");
    }

    private static WorkflowDefinition? Child(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) =>
        literalInputs.TryGetValue(WorkflowInput, out var name) ? workflows(name) : null;

    /// <summary>The chain of workflow names from <paramref name="from"/> that runs <paramref name="target"/> again, if any.</summary>
    private static List<string>? PathBackTo(string target, string from, Func<string, WorkflowDefinition?> workflows, HashSet<string> seen)
    {
        if (string.Equals(from, target, StringComparison.OrdinalIgnoreCase))
        {
            return [from];
        }

        if (!seen.Add(from) || workflows(from) is not { } workflow)
        {
            return null;
        }

        foreach (var task in workflow.Tasks)
        {
            if (ChildOf(task) is { } next && PathBackTo(target, next, workflows, seen) is { } rest)
            {
                return [from, .. rest];
            }
        }

        return null;
    }
}

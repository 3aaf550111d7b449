using System.Diagnostics.CodeAnalysis;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Binding;

/// <summary>
/// Checks run parameters against a workflow and types them. A request may set the workflow's variables and the task
/// inputs the definition declares overridable, nothing else. Every problem is listed, each with the names that would
/// have been valid, so that a caller fixes a request in one round trip.
/// </summary>
/// <param name="tasks">The task types.</param>
/// <param name="connections">The connections of this node, which a value that names one must name (null: not checked).</param>
public sealed class ParameterBinder(TaskRegistry tasks, ConnectionCatalog? connections = null)
{
    public BindingResult Bind(WorkflowDefinition workflow, IReadOnlyList<ParameterAssignment> assignments)
    {
        var problems = new List<BindingProblem>();
        var variables = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var taskInputs = new Dictionary<string, Dictionary<string, object?>>(StringComparer.OrdinalIgnoreCase);
        var seen = new HashSet<(string, string)>();
        var given = new HashSet<string>(StringComparer.OrdinalIgnoreCase);

        for (var i = 0; i < assignments.Count; i++)
        {
            var (actionName, parameter, value) = assignments[i];
            if (!TryFindInput(workflow, i, actionName, parameter, out var target, out var type, out var problem))
            {
                problems.Add(problem);
                continue;
            }

            if (target.Object == WorkflowObjects.Variables)
            {
                given.Add(target.Member);
            }

            if (!seen.Add((target.Object.ToUpperInvariant(), target.Member.ToUpperInvariant())))
            {
                problems.Add(new(i, "parameters", $"{target.Object}.{target.Member} is set more than once"));
                continue;
            }

            if (value is null)
            {
                problems.Add(new(i, "value", $"{target.Object}.{target.Member} needs a value"));
                continue;
            }

            if (!ScalarValues.TryParse(value, type, out var typed, out var error))
            {
                // Problems are answered and may be logged on the way: a secret's value is not quoted back.
                var secret = target.Object == WorkflowObjects.Variables && workflow.IsSecretVariable(target.Member);
                problems.Add(new(i, "value", $"{target.Object}.{target.Member}: {(secret ? $"the value of this secret variable is not a valid {type.ToName()}" : error)}"));
                continue;
            }

            if (ConnectionProblem(workflow, target, typed) is { } connectionProblem)
            {
                problems.Add(new(i, "value", $"{target.Object}.{target.Member}: {connectionProblem}"));
                continue;
            }

            if (target.Object == WorkflowObjects.Variables)
            {
                variables[target.Member] = typed;
            }
            else
            {
                taskInputs.TryAdd(target.Object, new(StringComparer.OrdinalIgnoreCase));
                taskInputs[target.Object][target.Member] = typed;
            }
        }

        foreach (var (variable, typed) in VariableDefaults.NotSet(workflow, given.Contains))
        {
            if (typed is null && variable.Required)
            {
                problems.Add(new(-1, "parameters", $"the required variable '{variable.Name}' ({variable.Type.ToName()}) is not set: add {{\"actionName\":\"{WorkflowObjects.Variables}\",\"parameters\":\"{variable.Name}\",\"value\":...}}"));
            }

            variables[variable.Name] = typed;
        }

        return problems.Count > 0
            ? new(null, problems)
            : new(new(variables, taskInputs.ToDictionary(t => t.Key, t => (IReadOnlyDictionary<string, object?>)t.Value, StringComparer.OrdinalIgnoreCase)), []);
    }

    private bool TryFindInput(
        WorkflowDefinition workflow, int index, string actionName, string parameter, out InputReference target, out ScalarType type, [NotNullWhen(false)] out BindingProblem? problem)
    {
        target = new("", "");
        type = default;
        problem = null;
        if (string.Equals(actionName, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase))
        {
            var variable = workflow.Variables.FirstOrDefault(v => string.Equals(v.Name, parameter, StringComparison.OrdinalIgnoreCase));
            if (variable is null)
            {
                problem = new(index, "parameters", $"'{parameter}' is not a variable of the workflow '{workflow.Name}'; valid: {Names(workflow.Variables.Select(v => v.Name))}");
                return false;
            }

            (target, type) = (new(WorkflowObjects.Variables, variable.Name), variable.Type);
            return true;
        }

        var task = workflow.Tasks.FirstOrDefault(t => string.Equals(t.Name, actionName, StringComparison.OrdinalIgnoreCase));
        if (task is null || !tasks.TryGet(task.Type, out var taskType))
        {
            problem = new(index, "actionName", $"'{actionName}' is not an object of the workflow '{workflow.Name}'; {Settable(workflow)}");
            return false;
        }

        var input = taskType.Inputs.FirstOrDefault(i => string.Equals(i.Name, parameter, StringComparison.OrdinalIgnoreCase));
        if (input is null || !IsOverridable(task, input))
        {
            var why = input is null
                ? $"'{parameter}' is not an input of {task.Name} ({task.Type})"
                : $"{task.Name}.{input.Name} cannot be set by a run request: the workflow does not declare it overridable";
            problem = new(index, "parameters", $"{why}; {Settable(workflow)}");
            return false;
        }

        (target, type) = (new(task.Name, input.Name), input.Type);
        return true;
    }

    /// <summary>Why <paramref name="value"/> cannot be the connection that <paramref name="target"/> names, or that the task inputs reading it name.</summary>
    private string? ConnectionProblem(WorkflowDefinition workflow, InputReference target, object? value) =>
        connections is not null && value is string name
            ? ConnectionReaders(workflow)
                .Where(r => string.Equals(r.Reader.Object, target.Object, StringComparison.OrdinalIgnoreCase)
                    && string.Equals(r.Reader.Member, target.Member, StringComparison.OrdinalIgnoreCase))
                .Select(r => connections.ProblemWith(name, [.. r.Types]))
                .FirstOrDefault(problem => problem is not null)
            : null;

    /// <summary>The task inputs that name a connection, and the variables whose value is all such an input holds.</summary>
    private IEnumerable<(InputReference Reader, IReadOnlyList<string> Types)> ConnectionReaders(WorkflowDefinition workflow)
    {
        foreach (var task in workflow.Tasks)
        {
            if (!tasks.TryGet(task.Type, out var type))
            {
                continue;
            }

            foreach (var input in type.Inputs.Where(i => i.ConnectionTypes is not null))
            {
                yield return (new(task.Name, input.Name), input.ConnectionTypes!);
                if (task.Inputs.TryGetValue(input.Name, out var written) && InputTemplate.Parse(written) is { IsSingleReference: true } template
                    && template.References.First() is var variable && string.Equals(variable.Object, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase))
                {
                    yield return (variable, input.ConnectionTypes!);
                }
            }
        }
    }

    private static bool IsOverridable(TaskDefinition task, TaskInput input) =>
        !input.Fixed && task.Overridable.Contains(input.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Everything a run request may set in this workflow, as <c>Object.member</c>.</summary>
    private string Settable(WorkflowDefinition workflow)
    {
        var variables = workflow.Variables.Select(v => $"{WorkflowObjects.Variables}.{v.Name}");
        var inputs = workflow.Tasks
            .Where(t => tasks.TryGet(t.Type, out _))
            .SelectMany(t => tasks.Get(t.Type).Inputs.Where(i => IsOverridable(t, i)).Select(i => $"{t.Name}.{i.Name}"));
        return $"what may be set: {Names(variables.Concat(inputs))}";
    }

    private static string Names(IEnumerable<string> names) => names.Any() ? string.Join(", ", names) : "(none)";
}

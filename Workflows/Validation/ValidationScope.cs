using Scheduler.Dataflows;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Validation;

/// <summary>What the values of one workflow can refer to, and the types they have: the validator's lookup tables.</summary>
internal sealed class ValidationScope(
    WorkflowDefinition workflow, TaskRegistry tasks, Func<string, WorkflowDefinition?> workflows, ConnectionCatalog? connections)
{
    private static readonly string[] JobMembers = ["status", "error"];
    /// <summary>The job's context values by member name, with the types a definition sees them as.</summary>
    private static readonly Dictionary<string, ScalarType> ContextTypes = RunContext.Members.ToDictionary(
        m => m.Name, m => m.Type == typeof(DateTimeOffset) ? ScalarType.DateTime : ScalarType.String, StringComparer.OrdinalIgnoreCase);

    private readonly Dictionary<string, VariableDefinition> _variables =
        workflow.Variables.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);

    /// <summary>Values are read after the graph has ended (a notification): every task's outputs and <c>${Job.status}</c>, <c>${Job.error}</c>.</summary>
    public bool AfterGraph { get; init; }

    public IReadOnlyList<TaskInput> InputsOf(TaskDefinition task, IWorkflowTask type) => type.InputsFor(task.LiteralInputs(), workflows);

    public IReadOnlyList<TaskOutput> OutputsOf(TaskDefinition task) =>
        tasks.TryGet(task.Type, out var type) ? type.OutputsFor(task.LiteralInputs(), workflows) : [];

    /// <summary>The values a task may read: every variable, and the outputs of the tasks it depends on, directly or not.</summary>
    public IReadOnlyDictionary<string, ScalarType> VisibleTo(TaskDefinition task, TaskGraph graph)
    {
        var visible = workflow.Variables.ToDictionary(v => $"{WorkflowObjects.Variables}.{v.Name}", v => v.Type, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, type) in ContextTypes)
        {
            visible[$"{WorkflowObjects.Context}.{name}"] = type;
        }

        foreach (var upstream in graph.UpstreamOf(task.Name))
        {
            foreach (var output in OutputsOf(workflow.Tasks.First(t => string.Equals(t.Name, upstream, StringComparison.OrdinalIgnoreCase))))
            {
                visible[$"{upstream}.{output.Name}"] = output.Type;
            }
        }

        return visible;
    }

    /// <summary>The values a notification may read: every variable, every task's outputs and the job's status and error.</summary>
    public IReadOnlyDictionary<string, ScalarType> VisibleAfterGraph()
    {
        var visible = workflow.Variables.ToDictionary(v => $"{WorkflowObjects.Variables}.{v.Name}", v => v.Type, StringComparer.OrdinalIgnoreCase);
        foreach (var task in workflow.Tasks)
        {
            foreach (var output in OutputsOf(task))
            {
                visible[$"{task.Name}.{output.Name}"] = output.Type;
            }
        }

        foreach (var member in JobMembers)
        {
            visible[$"{WorkflowObjects.Job}.{member}"] = ScalarType.String;
        }

        return visible;
    }

    /// <summary>Problems of a literal or template value given to <paramref name="input"/> (task null: a workflow output).</summary>
    public IEnumerable<string> CheckValue(string value, TaskInput input, TaskDefinition? task)
    {
        var template = InputTemplate.Parse(value);
        if (template.HasMalformedReference())
        {
            yield return $"'{value}' has a malformed reference; write ${{Variables.name}} or ${{TaskName.output}}";
        }

        if (template.IsLiteral)
        {
            if (!ScalarValues.TryParse(value, input.Type, out _, out var error))
            {
                yield return error;
            }
            else if (ConnectionProblem(value, input) is { } problem)
            {
                yield return problem;
            }

            yield break;
        }

        // A connection read from a variable is known only at run time, but its default can be checked now.
        if (template.IsSingleReference && template.References.First() is var only
            && string.Equals(only.Object, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase)
            && _variables.TryGetValue(only.Member, out var variable) && variable.Default is { } fallback
            && ScalarValues.ToText(fallback) is { } name && ConnectionProblem(name, input) is { } defaultProblem)
        {
            yield return $"the default of {only}: {defaultProblem}";
        }

        if (input.Type != ScalarType.String && !template.IsSingleReference)
        {
            yield return $"'{value}' mixes text and references, which makes a string, but {Describe(input, task)} takes a {input.Type.ToName()}";
        }

        foreach (var reference in template.References)
        {
            if (ReferenceProblem(reference, input, task) is { } problem)
            {
                yield return problem;
            }
        }
    }

    private string? ConnectionProblem(string name, TaskInput input) =>
        input.ConnectionTypes is { } types && connections is not null ? connections.ProblemWith(name, [.. types]) : null;

    private string? ReferenceProblem(InputReference reference, TaskInput input, TaskDefinition? task)
    {
        ScalarType referencedType;
        if (string.Equals(reference.Object, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase))
        {
            if (!_variables.TryGetValue(reference.Member, out var variable))
            {
                return $"{reference} names no variable; valid: {string.Join(", ", _variables.Keys)}";
            }

            referencedType = variable.Type;
        }
        else if (AfterGraph && string.Equals(reference.Object, WorkflowObjects.Job, StringComparison.OrdinalIgnoreCase))
        {
            if (!JobMembers.Contains(reference.Member, StringComparer.OrdinalIgnoreCase))
            {
                return $"{reference}: the job has {string.Join(" and ", JobMembers)}";
            }

            referencedType = ScalarType.String;
        }
        else if (string.Equals(reference.Object, WorkflowObjects.Context, StringComparison.OrdinalIgnoreCase))
        {
            if (!ContextTypes.TryGetValue(reference.Member, out referencedType))
            {
                return $"{reference} is not a context value; valid: {string.Join(", ", ContextTypes.Keys)}";
            }
        }
        else
        {
            var source = workflow.Tasks.FirstOrDefault(t => string.Equals(t.Name, reference.Object, StringComparison.OrdinalIgnoreCase));
            if (source is null)
            {
                return AfterGraph
                    ? $"{reference} names no task of the graph and is not {WorkflowObjects.Variables}, {WorkflowObjects.Context} or {WorkflowObjects.Job}"
                    : $"{reference} names no task and is not {WorkflowObjects.Variables} or {WorkflowObjects.Context}";
            }

            if (source == task)
            {
                return $"{reference}: a task cannot read its own outputs";
            }

            if (!tasks.TryGet(source.Type, out _))
            {
                return null; // the unknown type is reported where it is declared
            }

            var outputs = OutputsOf(source);
            var output = outputs.FirstOrDefault(o => string.Equals(o.Name, reference.Member, StringComparison.OrdinalIgnoreCase));
            if (output is null)
            {
                return $"{reference}: {source.Type} has no output '{reference.Member}'; valid: {string.Join(", ", outputs.Select(o => o.Name))}";
            }

            referencedType = output.Type;
        }

        var compatible = input.Type == referencedType
            || (input.Type == ScalarType.String && referencedType != ScalarType.StringList)
            || (input.Type == ScalarType.Decimal && referencedType == ScalarType.Int)
            || (input.Type == ScalarType.StringList && referencedType == ScalarType.String);
        return compatible ? null : $"{reference} is a {referencedType.ToName()}, but {Describe(input, task)} takes a {input.Type.ToName()}";
    }

    private static string Describe(TaskInput input, TaskDefinition? task) => task is null ? $"the output '{input.Name}'" : $"the input '{input.Name}'";
}

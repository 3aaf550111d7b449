using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// Checks what a workflow means: known task types and inputs, required inputs present, literal values of the right
/// type, references that name a variable or an earlier task's output of a compatible type, and no cycles.
/// Every problem is reported with its place in the document; an invalid workflow never runs.
/// </summary>
public sealed class WorkflowValidator(TaskRegistry tasks)
{
    public IReadOnlyList<DefinitionProblem> Validate(WorkflowDefinition workflow)
    {
        var problems = new List<DefinitionProblem>();
        var variables = workflow.Variables.ToDictionary(v => v.Name, StringComparer.OrdinalIgnoreCase);
        var taskNames = workflow.Tasks.Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        for (var i = 0; i < workflow.Tasks.Count; i++)
        {
            var task = workflow.Tasks[i];
            var path = $"$.tasks[{i}]";
            foreach (var dependency in task.DependsOn.Where(d => !taskNames.Contains(d)))
            {
                problems.Add(new($"{path}.dependsOn", $"'{dependency}' is not a task of this workflow"));
            }

            if (task.DependsOn.Contains(task.Name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new($"{path}.dependsOn", $"the task '{task.Name}' cannot depend on itself"));
            }

            if (!tasks.TryGet(task.Type, out var type))
            {
                problems.Add(new($"{path}.type", $"unknown task type '{task.Type}'; valid: {tasks.TypeNames}"));
                continue;
            }

            problems.AddRange(ValidateInputs(workflow, task, type, path, variables));
        }

        var graph = TaskGraph.Build(workflow);
        if (graph.Cycle.Count > 0)
        {
            problems.Add(new("$.tasks", $"the tasks {string.Join(", ", graph.Cycle)} depend on each other in a cycle"));
        }

        return problems;
    }

    private IEnumerable<DefinitionProblem> ValidateInputs(
        WorkflowDefinition workflow, TaskDefinition task, IWorkflowTask type, string path, Dictionary<string, VariableDefinition> variables)
    {
        var declared = type.Inputs.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in task.Inputs)
        {
            var inputPath = $"{path}.inputs.{name}";
            if (!declared.TryGetValue(name, out var input))
            {
                yield return new(inputPath, $"{task.Type} has no input '{name}'; valid: {string.Join(", ", type.Inputs.Select(i => i.Name))}");
                continue;
            }

            var template = InputTemplate.Parse(value);
            if (template.HasMalformedReference())
            {
                yield return new(inputPath, $"'{value}' has a malformed reference; write ${{Variables.name}} or ${{TaskName.output}}");
            }

            if (template.IsLiteral)
            {
                if (!ScalarValues.TryParse(value, input.Type, out _, out var error))
                {
                    yield return new(inputPath, error);
                }

                continue;
            }

            if (input.Type != ScalarType.String && !template.IsSingleReference)
            {
                yield return new(inputPath, $"'{value}' mixes text and references, which makes a string, but the input '{input.Name}' takes a {input.Type.ToName()}");
            }

            foreach (var reference in template.References)
            {
                if (ReferenceProblem(workflow, task, reference, input, variables) is { } problem)
                {
                    yield return new(inputPath, problem);
                }
            }
        }

        foreach (var missing in type.Inputs.Where(i => i.Required && !task.Inputs.ContainsKey(i.Name)))
        {
            yield return new($"{path}.inputs", $"the required input '{missing.Name}' of {task.Type} is missing");
        }

        var literals = task.Inputs.Where(i => InputTemplate.Parse(i.Value).IsLiteral).ToDictionary(StringComparer.OrdinalIgnoreCase);
        foreach (var problem in type.Validate(literals))
        {
            yield return new($"{path}.inputs", problem);
        }
    }

    private string? ReferenceProblem(
        WorkflowDefinition workflow, TaskDefinition task, InputReference reference, TaskInput input, Dictionary<string, VariableDefinition> variables)
    {
        ScalarType referencedType;
        if (string.Equals(reference.Object, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase))
        {
            if (!variables.TryGetValue(reference.Member, out var variable))
            {
                return $"{reference} names no variable; valid: {string.Join(", ", variables.Keys)}";
            }

            referencedType = variable.Type;
        }
        else
        {
            var source = workflow.Tasks.FirstOrDefault(t => string.Equals(t.Name, reference.Object, StringComparison.OrdinalIgnoreCase));
            if (source is null)
            {
                return $"{reference} names no task and is not {WorkflowObjects.Variables}";
            }

            if (source == task)
            {
                return $"{reference}: a task cannot read its own outputs";
            }

            if (!tasks.TryGet(source.Type, out var sourceType))
            {
                return null; // the unknown type is reported where it is declared
            }

            var output = sourceType.Outputs.FirstOrDefault(o => string.Equals(o.Name, reference.Member, StringComparison.OrdinalIgnoreCase));
            if (output is null)
            {
                return $"{reference}: {source.Type} has no output '{reference.Member}'; valid: {string.Join(", ", sourceType.Outputs.Select(o => o.Name))}";
            }

            referencedType = output.Type;
        }

        var compatible = input.Type == ScalarType.String || input.Type == referencedType
            || (input.Type == ScalarType.Decimal && referencedType == ScalarType.Int);
        return compatible ? null : $"{reference} is a {referencedType.ToName()}, but the input '{input.Name}' takes a {input.Type.ToName()}";
    }
}

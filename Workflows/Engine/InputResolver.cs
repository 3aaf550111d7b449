using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Engine;

/// <summary>Computes a task's typed inputs: a run parameter wins over the definition's value, whose references are resolved.</summary>
internal static class InputResolver
{
    public static Dictionary<string, object?> Resolve(
        TaskDefinition task,
        IWorkflowTask type,
        BoundParameters parameters,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> outputs)
    {
        var overrides = parameters.TaskInputs.GetValueOrDefault(task.Name);
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in type.Inputs)
        {
            if (overrides is not null && overrides.TryGetValue(input.Name, out var given))
            {
                inputs[input.Name] = given;
            }
            else if (task.Inputs.TryGetValue(input.Name, out var written))
            {
                var value = InputTemplate.Parse(written).Resolve(reference => Lookup(reference, parameters, outputs));
                inputs[input.Name] = Convert(value, input, task);
            }

            if (input.Required && inputs.GetValueOrDefault(input.Name) is null)
            {
                throw new TaskFailedException($"the required input '{input.Name}' has no value");
            }
        }

        return inputs;
    }

    private static object? Lookup(
        InputReference reference,
        BoundParameters parameters,
        IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> outputs)
    {
        if (string.Equals(reference.Object, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase))
        {
            return parameters.Variables.GetValueOrDefault(reference.Member);
        }

        return outputs.TryGetValue(reference.Object, out var produced)
            ? produced.FirstOrDefault(o => string.Equals(o.Key, reference.Member, StringComparison.OrdinalIgnoreCase)).Value
            : null;
    }

    private static object? Convert(object? value, TaskInput input, TaskDefinition task)
    {
        if (value is null)
        {
            return null;
        }

        return ScalarValues.TryParse(ScalarValues.Format(value)!, input.Type, out var typed, out var error)
            ? typed
            : throw new TaskFailedException($"the input '{input.Name}' of {task.Name}: {error}");
    }
}

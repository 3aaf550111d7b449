using System.Text.Encodings.Web;
using System.Text.Json;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Engine;

/// <summary>Computes typed values from definitions: a run parameter wins over the definition's value, whose references are resolved.</summary>
internal static class InputResolver
{
    public static Dictionary<string, object?> Resolve(
        TaskDefinition task,
        IReadOnlyList<TaskInput> declared,
        BoundParameters parameters,
        IReadOnlyDictionary<string, object?> visible)
    {
        var overrides = parameters.TaskInputs.GetValueOrDefault(task.Name);
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        foreach (var input in declared)
        {
            if (overrides is not null && overrides.TryGetValue(input.Name, out var given))
            {
                inputs[input.Name] = given;
            }
            else if (task.Inputs.TryGetValue(input.Name, out var written))
            {
                inputs[input.Name] = Evaluate(written, input, visible, $"the input '{input.Name}' of {task.Name}");
            }

            if (input.Required && inputs.GetValueOrDefault(input.Name) is null)
            {
                throw new TaskFailedException($"the required input '{input.Name}' has no value");
            }
        }

        return inputs;
    }

    /// <summary>The typed value of a literal or template, such as a workflow output's <c>${RunDataflow1.rowsWritten}</c>.</summary>
    public static object? Evaluate(string written, TaskInput target, IReadOnlyDictionary<string, object?> visible, string what)
    {
        var value = InputTemplate.Parse(written).Resolve(
            reference => visible.GetValueOrDefault($"{reference.Object}.{reference.Member}"),
            target.JsonText ? JsonStringContent : null);
        if (value is null || (target.Type == ScalarType.StringList && value is IReadOnlyList<string>))
        {
            return value;
        }

        return ScalarValues.TryParse(ScalarValues.Format(value)!, target.Type, out var typed, out var error)
            ? typed
            : throw new TaskFailedException($"{what}: {error}");
    }

    // Quotes, backslashes and control characters escaped: a value written between quotes stays one JSON string.
    private static string JsonStringContent(string value) => JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).Value;
}

using System.Text.Json;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// One field of the Run form: a variable of the workflow or a task input it declares overridable. The form field's
/// name is <see cref="Key"/> (<c>Variables.sourceFilePath</c>, <c>FileTransferTask1.remotePath</c>).
/// </summary>
internal sealed record RunFormField(
    string ActionName, string Parameter, ScalarType Type, bool Required, string? Default, bool Secret, string? Description)
{
    public string Key => $"{ActionName}.{Parameter}";

    /// <summary>A field left blank is not set (its default applies), except a required one with no default: that is a value missing.</summary>
    public bool BlankIsMissing => Required && Default is null;
}

/// <summary>
/// What the Run form shows and sends: its fields, read from the workflow, and the posted form turned into the same
/// <see cref="RunJobRequest"/> that <c>POST /api/jobs</c> takes, so that one set of checks judges both. The problems
/// come back keyed by request paths (<c>parameters[2].value</c>) and are put next to the field they are about.
/// </summary>
internal static class RunForm
{
    /// <summary>The problems of the request as a whole (the workflow, a required variable, an Idempotency conflict).</summary>
    public const string General = "";

    public static IReadOnlyList<RunFormField> Fields(WorkflowDefinition workflow, TaskRegistry tasks)
    {
        var fields = workflow.Variables
            .Select(v => new RunFormField(
                WorkflowObjects.Variables, v.Name, v.Type, v.Required, v.Default is { } d ? ScalarValues.ToText(d) : null, v.Secret, v.Description))
            .ToList();
        foreach (var task in workflow.Tasks.Where(t => t.Overridable.Count > 0 && tasks.TryGet(t.Type, out _)))
        {
            fields.AddRange(tasks.Get(task.Type).Inputs
                .Where(i => !i.Fixed && task.Overridable.Contains(i.Name, StringComparer.OrdinalIgnoreCase))
                .Select(i => new RunFormField(
                    task.Name, i.Name, i.Type, Required: false, task.Inputs.GetValueOrDefault(i.Name), Secret: false, $"{i.Description} ({task.Name}, {task.Type})")));
        }

        return fields;
    }

    /// <summary>The run request of a posted form, and for each of its parameters the field it came from.</summary>
    public static (RunJobRequest Request, IReadOnlyList<RunFormField> Sources) Request(string workflow, IReadOnlyList<RunFormField> fields, IFormCollection form)
    {
        var parameters = new List<RunJobParameter?>();
        var sources = new List<RunFormField>();
        foreach (var field in fields)
        {
            var text = form[field.Key].ToString();
            if (text.Length == 0 && !field.BlankIsMissing)
            {
                continue;
            }

            // A blank required field goes as null, so that the checks name this field rather than the request as a whole.
            var value = text.Length == 0 ? JsonSerializer.SerializeToElement<string?>(null) : JsonSerializer.SerializeToElement(text);
            parameters.Add(new RunJobParameter(field.ActionName, field.Parameter, value));
            sources.Add(field);
        }

        return (new RunJobRequest(workflow, parameters), sources);
    }

    /// <summary>
    /// The problems by field key (<see cref="General"/> for the rest), with every value typed into a secret field
    /// masked: a problem may quote the value it is about.
    /// </summary>
    public static IReadOnlyDictionary<string, IReadOnlyList<string>> ProblemsByField(
        IReadOnlyDictionary<string, string[]> problems, IReadOnlyList<RunFormField> sources, IFormCollection form)
    {
        var redactor = new SecretRedactor();
        foreach (var field in sources.Where(f => f.Secret))
        {
            redactor.Add(form[field.Key].ToString());
        }

        var byField = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var (path, messages) in problems)
        {
            var key = SourceIndex(path) is { } index && index < sources.Count ? sources[index].Key : General;
            if (!byField.TryGetValue(key, out var list))
            {
                byField[key] = list = [];
            }

            list.AddRange(messages.Select(m => redactor.Mask(m)));
        }

        return byField.ToDictionary(p => p.Key, p => (IReadOnlyList<string>)p.Value, StringComparer.Ordinal);
    }

    /// <summary>The index in <c>parameters[3].value</c>; null for a path about the request as a whole.</summary>
    private static int? SourceIndex(string path)
    {
        const string Prefix = "parameters[";
        if (!path.StartsWith(Prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var end = path.IndexOf(']', StringComparison.Ordinal);
        return end > Prefix.Length && int.TryParse(path.AsSpan(Prefix.Length, end - Prefix.Length), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var index)
            ? index
            : null;
    }
}

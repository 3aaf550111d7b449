using System.Text.Json;

namespace Scheduler.Workflows.Definitions;

/// <summary>The outcome of reading a definition: the definition, or every problem found in it.</summary>
public sealed record DefinitionLoadResult<T>(T? Definition, IReadOnlyList<DefinitionProblem> Problems)
    where T : class
{
    public bool IsValid => Definition is not null && Problems.Count == 0;
}

/// <summary>
/// Reads a workflow document into a <see cref="WorkflowDefinition"/>. Checks the shape only (names, types,
/// duplicates); what the tasks mean is checked by <see cref="WorkflowValidator"/>.
/// </summary>
public static class WorkflowDefinitionLoader
{
    public static DefinitionLoadResult<WorkflowDefinition> Load(string json)
    {
        WorkflowDocument? document;
        try
        {
            document = JsonSerializer.Deserialize(json, WorkflowDocumentJsonContext.Default.WorkflowDocument);
        }
        catch (JsonException e)
        {
            var where = e.LineNumber is { } line ? $" (line {line + 1}, position {e.BytePositionInLine + 1})" : "";
            return Failed($"{e.Path ?? "$"}", $"not valid JSON for a workflow{where}: {FirstSentence(e.Message)}");
        }

        if (document is null)
        {
            return Failed("$", "the document is empty");
        }

        var problems = new List<DefinitionProblem>();
        if (string.IsNullOrWhiteSpace(document.Name))
        {
            problems.Add(new("$.name", "a workflow needs a name"));
        }

        var variables = ReadVariables(document.Variables ?? [], problems);
        var tasks = ReadTasks(document.Tasks ?? [], problems);
        if ((document.Tasks ?? []).Count == 0)
        {
            problems.Add(new("$.tasks", "a workflow needs at least one task"));
        }

        var definition = new WorkflowDefinition(document.Name?.Trim() ?? "", document.Description, variables, tasks);
        return new(problems.Count == 0 ? definition : null, problems);
    }

    private static List<VariableDefinition> ReadVariables(List<VariableDocument?> documents, List<DefinitionProblem> problems)
    {
        var variables = new List<VariableDefinition>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"$.variables[{i}]";
            if (documents[i] is not { } variable)
            {
                problems.Add(new(path, "a variable cannot be null"));
                continue;
            }

            if (!IsIdentifier(variable.Name))
            {
                problems.Add(new($"{path}.name", $"'{variable.Name}' is not a valid name: use letters, digits and '_', starting with a letter"));
                continue;
            }

            if (!names.Add(variable.Name!))
            {
                problems.Add(new($"{path}.name", $"the variable '{variable.Name}' is defined twice"));
            }

            if (!ScalarTypes.TryParse(variable.Type ?? "string", out var type))
            {
                problems.Add(new($"{path}.type", $"unknown type '{variable.Type}'; valid: {ScalarTypes.Names}"));
                continue;
            }

            if (variable.Default is { } value && !ScalarValues.TryParse(value, type, out _, out var error))
            {
                problems.Add(new($"{path}.default", error));
            }

            variables.Add(new(variable.Name!, type, variable.Required, variable.Default, variable.Description));
        }

        return variables;
    }

    private static List<TaskDefinition> ReadTasks(List<TaskDocument?> documents, List<DefinitionProblem> problems)
    {
        var tasks = new List<TaskDefinition>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { WorkflowObjects.Variables };
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"$.tasks[{i}]";
            if (documents[i] is not { } task)
            {
                problems.Add(new(path, "a task cannot be null"));
                continue;
            }

            if (!IsIdentifier(task.Name))
            {
                problems.Add(new($"{path}.name", $"'{task.Name}' is not a valid task name: use letters, digits and '_', starting with a letter"));
                continue;
            }

            if (!names.Add(task.Name!))
            {
                problems.Add(new($"{path}.name", string.Equals(task.Name, WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase)
                    ? $"'{WorkflowObjects.Variables}' is reserved for the workflow's variables"
                    : $"the task name '{task.Name}' is used twice"));
            }

            if (string.IsNullOrWhiteSpace(task.Type))
            {
                problems.Add(new($"{path}.type", "a task needs a type"));
            }

            var inputs = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var (name, value) in task.Inputs ?? [])
            {
                if (ScalarValues.ToText(value) is { } text)
                {
                    inputs[name] = text;
                }
                else if (value.ValueKind != JsonValueKind.Null)
                {
                    problems.Add(new($"{path}.inputs.{name}", "an input value must be a string, a number or a boolean"));
                }
            }

            var dependsOn = new List<string>();
            for (var d = 0; d < (task.DependsOn?.Count ?? 0); d++)
            {
                if (string.IsNullOrWhiteSpace(task.DependsOn![d]))
                {
                    problems.Add(new($"{path}.dependsOn[{d}]", "a dependency must name a task"));
                }
                else
                {
                    dependsOn.Add(task.DependsOn[d]!);
                }
            }

            tasks.Add(new(task.Name!, task.Type ?? "", dependsOn, inputs));
        }

        return tasks;
    }

    internal static bool IsIdentifier(string? name) =>
        !string.IsNullOrEmpty(name) && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static DefinitionLoadResult<WorkflowDefinition> Failed(string path, string message) => new(null, [new(path, message)]);

    private static string FirstSentence(string message)
    {
        var end = message.IndexOf(". ", StringComparison.Ordinal);
        return end < 0 ? message : message[..end];
    }
}

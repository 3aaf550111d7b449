using System.Text.Json;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Json;

namespace Scheduler.Workflows.Definitions;

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
            return Failed(e.Path ?? "$", $"not valid JSON for a workflow{JsonErrors.Describe(e)}");
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
        else if (DefinitionName.LengthProblem(document.Name) is { } tooLong)
        {
            problems.Add(new("$.name", tooLong));
        }

        var variables = ReadVariables(document.Variables ?? [], problems);
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { WorkflowObjects.Variables, WorkflowObjects.Job, WorkflowObjects.Context };
        var tasks = ReadTasks(document.Tasks ?? [], "$.tasks", names, problems);
        if ((document.Tasks ?? []).Count == 0)
        {
            problems.Add(new("$.tasks", "a workflow needs at least one task"));
        }

        if (document.MaxParallelism is < 1 or > 64)
        {
            problems.Add(new("$.maxParallelism", $"{document.MaxParallelism} is out of range: use 1 to 64"));
        }

        var definition = new WorkflowDefinition(document.Name?.Trim() ?? "", document.Description, variables, tasks)
        {
            Outputs = ReadOutputs(document.Outputs ?? [], problems),
            MaxParallelism = document.MaxParallelism ?? WorkflowDefinition.DefaultMaxParallelism,
            Timeout = ReadTimeout(document.TimeoutSeconds, "$.timeoutSeconds", problems),
            Notifications = new(
                ReadNotifications(document.OnFailure, "$.onFailure", names, problems),
                ReadNotifications(document.OnSuccess, "$.onSuccess", names, problems),
                ReadNotifications(document.OnFinished, "$.onFinished", names, problems)),
        };
        return new(problems.Count == 0 ? definition : null, problems) { Draft = definition };
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
                continue;
            }

            // A variable of an unknown type or with a bad default stays in the draft as a string without a default, so
            // that the rest of the document is still checked and references to it are not reported as unknown names.
            var knownType = ScalarTypes.TryParse(variable.Type ?? "string", out var type);
            if (!knownType)
            {
                problems.Add(new($"{path}.type", $"unknown type '{variable.Type}'; valid: {ScalarTypes.Names}"));
            }

            var badDefault = false;
            if (knownType && variable.Default is { } value && !ScalarValues.TryParse(value, type, out _, out var error))
            {
                // Problems are listed to every reader of the definitions: a secret's default is not quoted in them.
                problems.Add(new($"{path}.default", variable.Secret ? $"the default of this secret variable is not a valid {type.ToName()}" : error));
                badDefault = true;
            }
            else if (variable.Secret && variable.Default is { ValueKind: JsonValueKind.String } masked && masked.GetString() == Runs.SecretReference.Mask)
            {
                // What the API and the dashboard show in a secret's place, saved back (through the definitions folder too).
                problems.Add(new($"{path}.default", $"'{Runs.SecretReference.Mask}' is how a secret default shows, not a default: give the value itself"));
                badDefault = true;
            }

            variables.Add(new(variable.Name!, type, variable.Required, knownType && !badDefault ? variable.Default : null, variable.Description) { Secret = variable.Secret });
        }

        return variables;
    }

    /// <summary>
    /// A notification list is read like the tasks, into the same names, and has no graph of its own: it runs after
    /// every task, in its order, and nothing of it is set by a run request.
    /// </summary>
    private static List<TaskDefinition> ReadNotifications(List<TaskDocument?>? documents, string path, HashSet<string> names, List<DefinitionProblem> problems)
    {
        if (documents is not { Count: > 0 })
        {
            return [];
        }

        if (documents.Count > WorkflowNotifications.MaxPerList)
        {
            problems.Add(new(path, $"{documents.Count} tasks are more than the {WorkflowNotifications.MaxPerList} a notification list may hold"));
            return [];
        }

        for (var i = 0; i < documents.Count; i++)
        {
            if (documents[i] is { DependsOn.Count: > 0 })
            {
                problems.Add(new($"{path}[{i}].dependsOn", "a notification runs after the whole graph, in the order of its list: it has no dependsOn"));
            }

            if (documents[i] is { Overridable.Count: > 0 })
            {
                problems.Add(new($"{path}[{i}].overridable", "a run request cannot set the inputs of a notification"));
            }
        }

        return ReadTasks(documents, path, names, problems);
    }

    private static List<TaskDefinition> ReadTasks(List<TaskDocument?> documents, string listPath, HashSet<string> names, List<DefinitionProblem> problems)
    {
        var tasks = new List<TaskDefinition>();
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"{listPath}[{i}]";
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
                problems.Add(new($"{path}.name", task.Name! switch
                {
                    var name when name.Equals(WorkflowObjects.Variables, StringComparison.OrdinalIgnoreCase) => $"'{WorkflowObjects.Variables}' is reserved for the workflow's variables",
                    var name when name.Equals(WorkflowObjects.Job, StringComparison.OrdinalIgnoreCase) => $"'{WorkflowObjects.Job}' is reserved for the job as its notifications read it (${{Job.status}})",
                    var name when name.Equals(WorkflowObjects.Context, StringComparison.OrdinalIgnoreCase) => $"'{WorkflowObjects.Context}' is reserved for the job's context values",
                    _ => $"the task name '{task.Name}' is used twice",
                }));
                continue;
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

            var (dependsOn, conditions) = ReadDependencies(task.DependsOn ?? [], path, problems);
            tasks.Add(new(task.Name!, task.Type ?? "", dependsOn, inputs)
            {
                Conditions = conditions,
                Overridable = ReadOverridable(task.Overridable ?? [], $"{path}.overridable", problems),
                Retry = ReadRetry(task.Retry, $"{path}.retry", problems),
                Timeout = ReadTimeout(task.TimeoutSeconds, $"{path}.timeoutSeconds", problems),
            });
        }

        return tasks;
    }

    private static List<string> ReadOverridable(List<string?> names, string path, List<DefinitionProblem> problems)
    {
        var read = new List<string>();
        for (var i = 0; i < names.Count; i++)
        {
            var name = names[i]?.Trim();
            if (!IsIdentifier(name))
            {
                problems.Add(new($"{path}[{i}]", $"'{names[i]}' is not an input name"));
            }
            else if (read.Contains(name!, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add(new($"{path}[{i}]", $"the input '{name}' is listed twice"));
            }
            else
            {
                read.Add(name!);
            }
        }

        return read;
    }

    private static (List<string> Names, Dictionary<string, DependencyCondition> Conditions) ReadDependencies(
        List<JsonElement> items, string path, List<DefinitionProblem> problems)
    {
        var names = new List<string>();
        var conditions = new Dictionary<string, DependencyCondition>(StringComparer.OrdinalIgnoreCase);
        for (var d = 0; d < items.Count; d++)
        {
            var itemPath = $"{path}.dependsOn[{d}]";
            var (name, on) = items[d].ValueKind switch
            {
                JsonValueKind.String => (items[d].GetString(), null),
                JsonValueKind.Object => (Member(items[d], "task"), Member(items[d], "on")),
                _ => (null, null),
            };
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add(new(itemPath, "a dependency is a task name or {\"task\": \"name\", \"on\": \"succeeded|failed|finished|true|false\"}"));
                continue;
            }

            names.Add(name);
            if (on is null)
            {
                continue;
            }

            if (Enum.TryParse<DependencyCondition>(on, ignoreCase: true, out var condition) && !int.TryParse(on, out _) && !on.Contains(',', StringComparison.Ordinal))
            {
                conditions[name] = condition;
            }
            else
            {
                problems.Add(new($"{itemPath}.on", $"'{on}' is not a condition; valid: succeeded, failed, finished, true, false"));
            }
        }

        return (names, conditions);
    }

    private static string? Member(JsonElement item, string name) =>
        item.EnumerateObject().FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase)) is { Value.ValueKind: JsonValueKind.String } member
            ? member.Value.GetString()
            : null;

    private static RetryPolicy? ReadRetry(RetryDocument? retry, string path, List<DefinitionProblem> problems)
    {
        if (retry is null)
        {
            return null;
        }

        if (retry.Count is < 0 or > 100 || retry.DelaySeconds is < 0 or > 86_400 || retry.Backoff is < 1 or > 10)
        {
            problems.Add(new(path, "use a count of 0 to 100, delaySeconds of 0 to 86400 and a backoff factor of 1 to 10"));
            return null;
        }

        return new(retry.Count, TimeSpan.FromSeconds(retry.DelaySeconds), retry.Backoff);
    }

    private static TimeSpan? ReadTimeout(double? seconds, string path, List<DefinitionProblem> problems)
    {
        if (seconds is null)
        {
            return null;
        }

        if (seconds is <= 0 or > 7 * 86_400)
        {
            problems.Add(new(path, $"{seconds} is out of range: use more than 0 and at most 604800 seconds (a week)"));
            return null;
        }

        return TimeSpan.FromSeconds(seconds.Value);
    }

    private static List<WorkflowOutputDefinition> ReadOutputs(List<OutputDocument?> documents, List<DefinitionProblem> problems)
    {
        var outputs = new List<WorkflowOutputDefinition>();
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < documents.Count; i++)
        {
            var path = $"$.outputs[{i}]";
            if (documents[i] is not { } output || !IsIdentifier(output.Name))
            {
                problems.Add(new($"{path}.name", $"'{documents[i]?.Name}' is not a valid output name: use letters, digits and '_', starting with a letter"));
                continue;
            }

            if (!names.Add(output.Name!))
            {
                problems.Add(new($"{path}.name", $"the output '{output.Name}' is defined twice"));
            }

            if (!ScalarTypes.TryParse(output.Type ?? "string", out var type))
            {
                problems.Add(new($"{path}.type", $"unknown type '{output.Type}'; valid: {ScalarTypes.Names}"));
                continue;
            }

            if (string.IsNullOrWhiteSpace(output.Value))
            {
                problems.Add(new($"{path}.value", "an output needs a value, such as ${TaskName.output}"));
                continue;
            }

            outputs.Add(new(output.Name!, type, output.Value));
        }

        return outputs;
    }

    internal static bool IsIdentifier(string? name) =>
        !string.IsNullOrEmpty(name) && char.IsAsciiLetter(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static DefinitionLoadResult<WorkflowDefinition> Failed(string path, string message) => new(null, [new(path, message)]);
}

using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// The query parameters a RunSql task declares in its <c>parameters</c> input, as <c>name:type</c> items separated by
/// commas (<c>since:datetime, status</c>; the type defaults to string). Each name becomes an input of the task of that
/// type, so its value is written, templated, checked and made overridable like any input, and reaches PostgreSQL as a
/// bound parameter <c>@name</c>, never as SQL text.
/// </summary>
public static class SqlParameters
{
    public static (IReadOnlyList<TaskInput> Inputs, IReadOnlyList<string> Problems) Parse(string? declaration, IReadOnlyCollection<string> reserved)
    {
        var inputs = new List<TaskInput>();
        var problems = new List<string>();
        foreach (var item in (declaration ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = item.Split(':', 2, StringSplitOptions.TrimEntries);
            var name = parts[0];
            var type = ScalarType.String;
            if (!WorkflowDefinitionLoader.IsIdentifier(name))
            {
                problems.Add($"the parameter '{name}' is not a valid name: use letters, digits and '_', starting with a letter");
            }
            else if (reserved.Contains(name, StringComparer.OrdinalIgnoreCase) || inputs.Any(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"the parameter '{name}' is declared twice or is the name of an input of the task");
            }
            else if (parts.Length == 2 && !ScalarTypes.TryParse(parts[1], out type))
            {
                problems.Add($"the parameter '{name}' has the unknown type '{parts[1]}'; valid: {ScalarTypes.Names}");
            }
            else
            {
                inputs.Add(new(name, type, Required: false, $"The query parameter @{name}"));
            }
        }

        return (inputs, problems);
    }
}

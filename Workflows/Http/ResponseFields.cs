using System.Globalization;
using System.Text.Json;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Http;

/// <summary>
/// The values an Http task reads out of a JSON response, declared in its <c>fields</c> input as
/// <c>name=path:type</c> items separated by commas (<c>orderId=order.id:int, state=state</c>; the type defaults to
/// string; a path is member names and array positions joined by dots, such as <c>items.0.sku</c>). Each becomes an
/// output of the task of that type, so later tasks read it as <c>${Http1.orderId}</c> and a Decision as
/// <c>Http1.orderId</c>, checked when the definition is saved like any output.
/// </summary>
internal sealed record ResponseFields(IReadOnlyList<(TaskOutput Output, string[] Path)> Fields)
{
    public const int MaxFields = 20;
    private const int MaxDepth = 64;

    public static (ResponseFields Fields, IReadOnlyList<string> Problems) Parse(string? declaration, IReadOnlyCollection<string> reserved)
    {
        var fields = new List<(TaskOutput, string[])>();
        var problems = new List<string>();
        var items = (declaration ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (items.Length > MaxFields)
        {
            return (new(fields), [$"{items.Length} fields are more than the {MaxFields} a task may read"]);
        }

        foreach (var item in items)
        {
            var (name, rest) = item.IndexOf('=', StringComparison.Ordinal) is > 0 and var equals ? (item[..equals].Trim(), item[(equals + 1)..]) : (item, "");
            var typed = rest.Split(':', 2, StringSplitOptions.TrimEntries);
            var path = typed[0].Split('.');
            var type = ScalarType.String;
            if (!WorkflowDefinitionLoader.IsIdentifier(name) || typed[0].Length == 0 || path.Any(p => p.Length == 0 || !p.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-')))
            {
                problems.Add($"the field '{item}' is not name=path or name=path:type, such as orderId=order.id:int");
            }
            else if (reserved.Contains(name, StringComparer.OrdinalIgnoreCase) || fields.Any(f => string.Equals(f.Item1.Name, name, StringComparison.OrdinalIgnoreCase)))
            {
                problems.Add($"the field '{name}' is declared twice or is the name of an output of the task");
            }
            else if (typed.Length == 2 && (!ScalarTypes.TryParse(typed[1], out type) || type == ScalarType.StringList))
            {
                problems.Add($"the field '{name}' has the type '{typed[1]}'; use string, int, decimal, bool or datetime");
            }
            else
            {
                fields.Add((new TaskOutput(name, type, $"The value at '{typed[0]}' of the JSON response"), path));
            }
        }

        return (new(fields), problems);
    }

    public IEnumerable<TaskOutput> Outputs => Fields.Select(f => f.Output);

    /// <summary>Each field's value in <paramref name="body"/>; null where the path leads nowhere.</summary>
    public IReadOnlyDictionary<string, object?> Read(string body)
    {
        var values = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        if (Fields.Count == 0)
        {
            return values;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException e)
        {
            throw new TaskFailedException($"the response is not JSON, so its fields cannot be read: {e.Message}", e);
        }

        using (document)
        {
            foreach (var (output, path) in Fields)
            {
                values[output.Name] = Find(document.RootElement, path) switch
                {
                    null => null,
                    { ValueKind: JsonValueKind.Object or JsonValueKind.Array } part when output.Type == ScalarType.String => part.GetRawText(),
                    { } part => ScalarValues.TryParse(part, output.Type, out var typed, out var error)
                        ? typed
                        : throw new TaskFailedException($"the field '{output.Name}' of the response: {error}"),
                };
            }
        }

        return values;
    }

    private static JsonElement? Find(JsonElement element, string[] path)
    {
        foreach (var part in path)
        {
            if (element.ValueKind == JsonValueKind.Object && element.TryGetProperty(part, out var member))
            {
                element = member;
            }
            else if (element.ValueKind == JsonValueKind.Array && int.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index >= 0 && index < element.GetArrayLength())
            {
                element = element[index];
            }
            else
            {
                return null;
            }
        }

        return element;
    }
}

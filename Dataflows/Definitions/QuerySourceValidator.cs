using System.Text.Json;
using System.Text.RegularExpressions;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Checks a <c>PostgreSql</c> source: a connection, a query and the parameters it reads.</summary>
internal static partial class QuerySourceValidator
{
    /// <summary>Longer queries belong in a view or a function of the database.</summary>
    public const int MaxQueryLength = 100_000;

    public const int MaxParameters = 100;

    private static readonly string[] Properties = ["type", "connection", "query", "parameters", "columns"];
    private static readonly string[] ParameterProperties = ["name", "type"];

    public static void Validate(JsonElement element, JsonObjectView document)
    {
        var source = JsonObjectView.Open(element, document.PathOf("source"), Properties, document.Problems, "a PostgreSql source")!;
        source.RequireText("connection");
        var query = source.RequireText("query");
        if (query?.Length > MaxQueryLength)
        {
            source.Problem("query", $"is {query.Length} characters long, longer than {MaxQueryLength}; put it in a view and select from that");
            query = null;
        }

        ValidateParameters(source, query);
        DataflowDefinitionValidator.ValidateColumns(source, required: false);

        // Transforms and upsert keys are checked against the columns when the dataflow is saved; the result's columns are known only when it runs.
        if (!source.Has("columns") && (HasTransforms(document) || HasKeyColumns(document)))
        {
            source.Problem("columns", "is required when the dataflow has transforms or keyColumns, which are checked against the columns when it is saved");
        }
    }

    private static void ValidateParameters(JsonObjectView source, string? query)
    {
        if (!source.TryGetArray("parameters", required: false, "parameters ({\"name\": ..., \"type\": ...})", out var parameters))
        {
            return;
        }

        if (parameters.GetArrayLength() > MaxParameters)
        {
            source.Problem("parameters", $"has {parameters.GetArrayLength()} items, more than {MaxParameters}");
            return;
        }

        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var item in parameters.EnumerateArray())
        {
            var parameter = JsonObjectView.Open(item, $"{source.PathOf("parameters")}[{index++}]", ParameterProperties, source.Problems, "a query parameter");
            if (parameter is null)
            {
                continue;
            }

            parameter.OptionalEnum<ColumnType>("type");
            if (parameter.RequireText("name") is not { } name)
            {
                continue;
            }

            if (!Identifier().IsMatch(name))
            {
                parameter.Problem("name", $"'{name}' is not a valid parameter name: use at most 63 letters, digits and '_', starting with a letter");
            }
            else if (!names.Add(name))
            {
                parameter.Problem("name", $"the parameter '{name}' is declared twice");
            }
            else if (query is not null && !Regex.IsMatch(query, $@"@{name}\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.NonBacktracking))
            {
                parameter.Problem("name", $"the query does not read @{name}");
            }
        }
    }

    private static bool HasTransforms(JsonObjectView document) =>
        document.TryGet("transforms", out var transforms, required: false) && transforms.ValueKind == JsonValueKind.Array && transforms.GetArrayLength() > 0;

    private static bool HasKeyColumns(JsonObjectView document) =>
        document.TryGet("destination", out var destination, required: false)
        && destination.ValueKind == JsonValueKind.Object
        && destination.EnumerateObject().Any(p => string.Equals(p.Name, "keyColumns", StringComparison.OrdinalIgnoreCase));

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_]{0,62}$", RegexOptions.CultureInvariant)]
    private static partial Regex Identifier();
}

using System.Text.Json;
using Scheduler.Dataflows.Destinations;

namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// Checks a definition document before it is bound to records, so that every problem is reported with its JSON
/// path at once (binding would stop at the first one, and a misspelled property would be silently ignored).
/// </summary>
internal static class DataflowDefinitionValidator
{
    private static readonly string[] RootProperties = ["name", "description", "source", "destination", "maxErrors"];
    private static readonly string[] SourceProperties = ["type", "hasHeader", "delimiter", "columns"];
    private static readonly string[] ColumnProperties = ["name", "type", "required", "minLength", "maxLength", "emptyAsNull"];
    private static readonly string[] PostgreSqlProperties = ["type", "connection", "table", "createTable", "mode"];
    private static readonly string[] CsvFileProperties = ["type", "path"];

    /// <summary>PostgreSQL truncates longer identifiers, which would make two names silently the same.</summary>
    private const int MaxIdentifierBytes = 63;

    public static IReadOnlyList<DefinitionProblem> Validate(JsonElement root)
    {
        var problems = new List<DefinitionProblem>();
        var document = ObjectView.Open(root, "$", RootProperties, problems, "a dataflow definition");
        if (document is null)
        {
            return problems;
        }

        RequireText(document, "name");
        OptionalText(document, "description");
        OptionalWholeNumber(document, "maxErrors", minimum: 0);
        ValidateSource(document, problems);
        ValidateDestination(document, problems);
        return problems;
    }

    private static void ValidateSource(ObjectView document, List<DefinitionProblem> problems)
    {
        if (!document.TryGet("source", out var element, required: true))
        {
            return;
        }

        var source = ObjectView.Open(element, document.PathOf("source"), SourceProperties, problems, "the source");
        if (source is null)
        {
            return;
        }

        OptionalEnum<SourceType>(source, "type");
        OptionalBool(source, "hasHeader");
        if (OptionalText(source, "delimiter") is { } delimiter
            && (delimiter.Length != 1 || delimiter[0] > 127 || delimiter[0] is '"' or '\r' or '\n'))
        {
            source.Problem("delimiter", $"'{delimiter}' is not a valid delimiter; it must be one ASCII character other than a quote or a line break");
        }

        if (!source.TryGet("columns", out var columns, required: true))
        {
            return;
        }

        var columnsPath = source.PathOf("columns");
        if (columns.ValueKind != JsonValueKind.Array)
        {
            problems.Add(new DefinitionProblem(columnsPath, "must be an array of columns"));
            return;
        }

        if (columns.GetArrayLength() == 0)
        {
            problems.Add(new DefinitionProblem(columnsPath, "at least one column is required"));
        }

        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var columnElement in columns.EnumerateArray())
        {
            var column = ObjectView.Open(columnElement, $"{columnsPath}[{index}]", ColumnProperties, problems, "a column");
            if (column is not null)
            {
                ValidateColumn(column, names, index);
            }

            index++;
        }
    }

    private static void ValidateColumn(ObjectView column, Dictionary<string, int> names, int index)
    {
        if (RequireText(column, "name") is { } name)
        {
            if (!names.TryAdd(name, index))
            {
                column.Problem("name", $"column '{name}' is defined twice (also at index {names[name]})");
            }
            else if (System.Text.Encoding.UTF8.GetByteCount(name) > MaxIdentifierBytes)
            {
                column.Problem("name", $"column name '{name}' is longer than {MaxIdentifierBytes} bytes");
            }
        }

        var type = OptionalEnum<ColumnType>(column, "type") ?? ColumnType.String;
        OptionalBool(column, "required");
        OptionalBool(column, "emptyAsNull");
        var minLength = OptionalWholeNumber(column, "minLength", minimum: 0);
        var maxLength = OptionalWholeNumber(column, "maxLength", minimum: 1);
        if (type != ColumnType.String && (minLength is not null || maxLength is not null))
        {
            column.Problem(minLength is not null ? "minLength" : "maxLength", $"lengths apply to string columns only, not to '{ColumnTypeNames.Of(type)}'");
        }

        if (minLength > maxLength)
        {
            column.Problem("minLength", $"minLength ({minLength}) is greater than maxLength ({maxLength})");
        }
    }

    private static void ValidateDestination(ObjectView document, List<DefinitionProblem> problems)
    {
        if (!document.TryGet("destination", out var element, required: true))
        {
            return;
        }

        var path = document.PathOf("destination");
        if (element.ValueKind != JsonValueKind.Object)
        {
            problems.Add(new DefinitionProblem(path, "the destination must be a JSON object"));
            return;
        }

        // The allowed properties depend on the type, so the type is read before the object is checked.
        var typeProbe = ObjectView.Open(element, path, null, [], "the destination")!;
        if (!typeProbe.TryGet("type", out _, required: false))
        {
            problems.Add(new DefinitionProblem(path + ".type", $"is required; valid: {string.Join(", ", Enum.GetNames<DestinationType>())}"));
            return;
        }

        var type = OptionalEnum<DestinationType>(ObjectView.Open(element, path, null, problems, "the destination")!, "type");
        switch (type)
        {
            case DestinationType.PostgreSql:
                var postgres = ObjectView.Open(element, path, PostgreSqlProperties, problems, "a PostgreSql destination")!;
                RequireText(postgres, "connection");
                if (RequireText(postgres, "table") is { } table && !TableName.TryParse(table, out _, out var tableError))
                {
                    postgres.Problem("table", tableError);
                }

                OptionalBool(postgres, "createTable");
                if (OptionalEnum<LoadMode>(postgres, "mode") is { } mode and not LoadMode.Append)
                {
                    postgres.Problem("mode", $"mode '{mode}' is not supported yet; supported: {nameof(LoadMode.Append)}");
                }

                break;
            case DestinationType.CsvFile:
                var csv = ObjectView.Open(element, path, CsvFileProperties, problems, "a CsvFile destination")!;
                RequireText(csv, "path");
                break;
        }
    }

    private static string? RequireText(ObjectView view, string property)
    {
        if (!view.TryGet(property, out var value, required: true))
        {
            return null;
        }

        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (string.IsNullOrWhiteSpace(text))
        {
            view.Problem(property, "must be a non-empty string");
            return null;
        }

        return text;
    }

    private static string? OptionalText(ObjectView view, string property)
    {
        if (!view.TryGet(property, out var value, required: false) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            view.Problem(property, "must be a string");
            return null;
        }

        return value.GetString();
    }

    private static void OptionalBool(ObjectView view, string property)
    {
        if (view.TryGet(property, out var value, required: false) && value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            view.Problem(property, "must be true or false");
        }
    }

    private static int? OptionalWholeNumber(ObjectView view, string property, int minimum)
    {
        if (!view.TryGet(property, out var value, required: false) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt32(out var number))
        {
            view.Problem(property, "must be a whole number");
            return null;
        }

        if (number < minimum)
        {
            view.Problem(property, $"must be at least {minimum}, not {number}");
            return null;
        }

        return number;
    }

    private static TEnum? OptionalEnum<TEnum>(ObjectView view, string property)
        where TEnum : struct, Enum
    {
        if (!view.TryGet(property, out var value, required: false))
        {
            return null;
        }

        var valid = typeof(TEnum) == typeof(ColumnType) ? ColumnTypeNames.All : Enum.GetNames<TEnum>();
        var text = value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        if (text is null)
        {
            view.Problem(property, $"must be a string; valid: {string.Join(", ", valid)}");
            return null;
        }

        foreach (var candidate in Enum.GetValues<TEnum>())
        {
            var name = candidate is ColumnType columnType ? ColumnTypeNames.Of(columnType) : candidate.ToString();
            if (string.Equals(name, text, StringComparison.OrdinalIgnoreCase))
            {
                return candidate;
            }
        }

        view.Problem(property, $"unknown {property} '{text}'; valid: {string.Join(", ", valid)}");
        return null;
    }

    /// <summary>A JSON object whose properties are looked up case-insensitively and reported under their canonical names.</summary>
    private sealed class ObjectView
    {
        private readonly Dictionary<string, JsonElement> _properties = new(StringComparer.OrdinalIgnoreCase);
        private readonly List<DefinitionProblem> _problems;

        private ObjectView(string path, List<DefinitionProblem> problems)
        {
            Path = path;
            _problems = problems;
        }

        public string Path { get; }

        public static ObjectView? Open(JsonElement element, string path, string[]? allowed, List<DefinitionProblem> problems, string what)
        {
            if (element.ValueKind != JsonValueKind.Object)
            {
                problems.Add(new DefinitionProblem(path, $"{what} must be a JSON object"));
                return null;
            }

            var view = new ObjectView(path, problems);
            foreach (var property in element.EnumerateObject())
            {
                var canonical = allowed?.FirstOrDefault(a => string.Equals(a, property.Name, StringComparison.OrdinalIgnoreCase));
                if (allowed is not null && canonical is null)
                {
                    problems.Add(new DefinitionProblem($"{path}.{property.Name}", $"unknown property for {what}; valid: {string.Join(", ", allowed)}"));
                    continue;
                }

                if (!view._properties.TryAdd(property.Name, property.Value) && allowed is not null)
                {
                    problems.Add(new DefinitionProblem($"{path}.{canonical}", "is given more than once"));
                }
            }

            return view;
        }

        public string PathOf(string property) => $"{Path}.{property}";

        public bool TryGet(string property, out JsonElement value, bool required)
        {
            if (_properties.TryGetValue(property, out value))
            {
                return true;
            }

            if (required)
            {
                Problem(property, "is required");
            }

            return false;
        }

        public void Problem(string property, string message) => _problems.Add(new DefinitionProblem(PathOf(property), message));
    }
}

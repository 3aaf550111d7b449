using System.Globalization;
using System.Text.Json;
using Scheduler.Dataflows.Sources;

namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// Checks a definition document before it is bound to records, so that every problem is reported with its JSON
/// path at once (binding would stop at the first one, and a misspelled property would be silently ignored).
/// Expressions and column references are checked after binding, by <see cref="Transforms.DataflowPlan"/>.
/// </summary>
internal static class DataflowDefinitionValidator
{
    private static readonly string[] RootProperties = ["name", "description", "source", "transforms", "destination", "maxErrors"];

    private static readonly string[] SourceProperties =
    [
        "type", "hasHeader", "delimiter", "quote", "escape", "skipLines", "encoding", "culture", "trim", "nullValues", "comment",
        "extraFields", "missingFields", "columns",
    ];

    /// <summary>A JSON Lines file is UTF-8 and has no delimiters, quotes or header to configure.</summary>
    private static readonly string[] JsonLinesProperties = ["type", "culture", "nullValues", "columns"];

    /// <summary>A workbook's cells are typed by Excel; only the sheet, where its header is and how text cells read are chosen.</summary>
    private static readonly string[] ExcelProperties = ["type", "sheet", "headerRow", "culture", "nullValues", "columns"];

    private static readonly string[] ColumnProperties = ["name", "type", "required", "minLength", "maxLength", "emptyAsNull", "format"];
    private static readonly string[] FixedWidthColumnProperties = [.. ColumnProperties, "start", "length"];

    /// <summary>A fixed-width file has no delimiters or quotes; its lines are split on line-break bytes.</summary>
    private static readonly string[] FixedWidthProperties = ["type", "encoding", "skipLines", "culture", "trim", "nullValues", "comment", "columns"];

    /// <summary>PostgreSQL truncates longer identifiers, which would make two names silently the same.</summary>
    internal const int MaxIdentifierBytes = 63;

    public static IReadOnlyList<DefinitionProblem> Validate(JsonElement root)
    {
        var problems = new List<DefinitionProblem>();
        var document = JsonObjectView.Open(root, "$", RootProperties, problems, "a dataflow definition");
        if (document is null)
        {
            return problems;
        }

        if (document.RequireText("name") is { } name && DefinitionName.LengthProblem(name) is { } tooLong)
        {
            document.Problem("name", tooLong);
        }

        document.OptionalText("description");
        document.OptionalWholeNumber("maxErrors", minimum: 0);
        ValidateSource(document);
        TransformsValidator.Validate(document);
        DestinationValidator.Validate(document);
        return problems;
    }

    private static void ValidateSource(JsonObjectView document)
    {
        if (!document.TryGet("source", out var element, required: true))
        {
            return;
        }

        // The allowed properties depend on the type, so the type is read before the object is checked.
        var type = JsonObjectView.Open(element, document.PathOf("source"), null, [], "the source")?.OptionalEnum<SourceType>("type");
        if (type == SourceType.PostgreSql)
        {
            QuerySourceValidator.Validate(element, document);
            return;
        }

        var source = type switch
        {
            SourceType.JsonLines => JsonObjectView.Open(element, document.PathOf("source"), JsonLinesProperties, document.Problems, "a JsonLines source"),
            SourceType.FixedWidth => JsonObjectView.Open(element, document.PathOf("source"), FixedWidthProperties, document.Problems, "a FixedWidth source"),
            SourceType.Excel => JsonObjectView.Open(element, document.PathOf("source"), ExcelProperties, document.Problems, "an Excel source"),
            _ => JsonObjectView.Open(element, document.PathOf("source"), SourceProperties, document.Problems, "the source"),
        };
        if (source is null)
        {
            return;
        }

        source.OptionalEnum<SourceType>("type");
        source.OptionalBool("hasHeader");
        source.OptionalBool("trim");
        source.OptionalWholeNumber("skipLines", minimum: 0);
        source.OptionalTextArray("nullValues");
        source.OptionalEnum<FieldCountHandling>("extraFields");
        source.OptionalEnum<FieldCountHandling>("missingFields");
        ValidateSheet(source);
        ValidateCharacters(source);
        var encoding = source.OptionalText("encoding");
        if (encoding is not null && !SourceEncodings.TryGet(encoding, out _))
        {
            source.Problem("encoding", $"unknown encoding '{encoding}'; valid: {string.Join(", ", SourceEncodings.Names)}");
        }
        else if (type == SourceType.FixedWidth && encoding is not null && SourceEncodings.TryGet(encoding, out var known) && !FixedWidthRowSource.ReadsEncoding(known))
        {
            source.Problem("encoding", $"a FixedWidth source reads utf-8 or latin1, not '{encoding}'");
        }

        if (source.OptionalText("culture") is { } culture && !IsCulture(culture))
        {
            source.Problem("culture", $"unknown culture '{culture}'; use a name such as en-US, de-DE or fr-FR");
        }

        ValidateColumns(source, fixedWidth: type == SourceType.FixedWidth);
    }

    private static void ValidateCharacters(JsonObjectView source)
    {
        var delimiter = source.OptionalCharacter("delimiter", "delimiter") ?? ',';
        var quote = source.OptionalCharacter("quote", "quote") ?? '"';
        source.OptionalCharacter("escape", "escape character");
        var comment = source.OptionalCharacter("comment", "comment character");
        if (delimiter == quote)
        {
            source.Problem(source.Has("quote") ? "quote" : "delimiter", $"the delimiter and the quote are both '{delimiter}'");
        }

        if (comment == delimiter || comment == quote)
        {
            source.Problem("comment", $"the comment character '{comment}' is also the delimiter or the quote");
        }
    }

    private static void ValidateSheet(JsonObjectView source)
    {
        if (source.OptionalText("sheet") is { } sheet && (sheet.Length == 0 || sheet.Length > ExcelLimits.MaxSheetNameLength))
        {
            source.Problem("sheet", $"a sheet name has 1 to {ExcelLimits.MaxSheetNameLength} characters, not {sheet.Length}");
        }

        if (source.OptionalWholeNumber("headerRow", minimum: 1) > ExcelLimits.MaxRows)
        {
            source.Problem("headerRow", $"must be at most {ExcelLimits.MaxRows}, Excel's last row");
        }
    }

    private static bool IsCulture(string name)
    {
        try
        {
            CultureInfo.GetCultureInfo(name, predefinedOnly: true);
            return true;
        }
        catch (CultureNotFoundException)
        {
            return false;
        }
    }

    internal static void ValidateColumns(JsonObjectView source, bool required = true, bool fixedWidth = false)
    {
        if (!source.TryGetArray("columns", required, "columns", out var columns))
        {
            return;
        }

        var columnsPath = source.PathOf("columns");
        if (columns.GetArrayLength() == 0)
        {
            source.Problem("columns", "at least one column is required");
        }

        var names = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var index = 0;
        foreach (var columnElement in columns.EnumerateArray())
        {
            var column = JsonObjectView.Open(columnElement, $"{columnsPath}[{index}]", fixedWidth ? FixedWidthColumnProperties : ColumnProperties, source.Problems, "a column");
            if (column is not null)
            {
                ValidateColumn(column, names, index);
            }

            if (column is not null && fixedWidth)
            {
                ValidatePosition(column);
            }

            index++;
        }
    }

    private static void ValidateColumn(JsonObjectView column, Dictionary<string, int> names, int index)
    {
        if (column.RequireText("name") is { } name)
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

        var type = column.OptionalEnum<ColumnType>("type") ?? ColumnType.String;
        column.OptionalBool("required");
        column.OptionalBool("emptyAsNull");
        var minLength = column.OptionalWholeNumber("minLength", minimum: 0);
        var maxLength = column.OptionalWholeNumber("maxLength", minimum: 1);
        if (type != ColumnType.String && (minLength is not null || maxLength is not null))
        {
            column.Problem(minLength is not null ? "minLength" : "maxLength", $"lengths apply to string columns only, not to '{ColumnTypeNames.Of(type)}'");
        }

        if (minLength > maxLength)
        {
            column.Problem("minLength", $"minLength ({minLength}) is greater than maxLength ({maxLength})");
        }

        if (column.OptionalText("format") is { } format)
        {
            if (type is not (ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampWithOffset))
            {
                column.Problem("format", $"formats apply to date, timestamp and timestampWithOffset columns only, not to '{ColumnTypeNames.Of(type)}'");
            }
            else if (!IsDateFormat(format))
            {
                column.Problem("format", $"'{format}' is not a valid date and time format");
            }
        }
    }

    /// <summary>A FixedWidth column's characters must lie within the longest line a source reads.</summary>
    private static void ValidatePosition(JsonObjectView column)
    {
        var start = column.OptionalWholeNumber("start", minimum: 1);
        var length = column.OptionalWholeNumber("length", minimum: 1);
        foreach (var missing in new[] { ("start", start), ("length", length) }.Where(p => p.Item2 is null && !column.Has(p.Item1)))
        {
            column.Problem(missing.Item1, "is required for a FixedWidth column");
        }

        if ((long?)start + length - 1 > LineReader.MaxLineBytes)
        {
            column.Problem("length", $"the field ends at character {(long)start!.Value + length!.Value - 1}, past the longest line read ({LineReader.MaxLineBytes})");
        }
    }

    private static bool IsDateFormat(string format)
    {
        try
        {
            _ = DateTime.MinValue.ToString(format, CultureInfo.InvariantCulture);
            return !string.IsNullOrWhiteSpace(format);
        }
        catch (FormatException)
        {
            return false;
        }
    }
}

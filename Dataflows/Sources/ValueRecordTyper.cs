using System.Globalization;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Rejections;

namespace Scheduler.Dataflows.Sources;

/// <summary>Types <see cref="ValueRecord"/>s by the columns, with the same parsing, null handling and lengths as the CSV source.</summary>
internal sealed class ValueRecordTyper : IRecordTyper
{
    private readonly IReadOnlyList<ColumnDefinition> _columns;
    private readonly ColumnValueParser[] _parsers;
    private readonly bool _typesInPlace;

    /// <param name="typesInPlace">
    /// Whether a record's fields may be typed into the record's own array: only when each record has an array of its
    /// own, and typing keeps every field as it is (or makes an empty text null), so that a rejection's raw text, made
    /// from the fields, is the same after typing as before.
    /// </param>
    public ValueRecordTyper(SourceDefinition source, IReadOnlyList<ColumnDefinition> columns, bool typesInPlace = false)
    {
        _columns = columns;
        _typesInPlace = typesInPlace;
        var culture = source.Culture is null ? null : CultureInfo.GetCultureInfo(source.Culture);
        _parsers = [.. columns.Select(c => new ColumnValueParser(c, culture, source.NullValues))];
    }

    public long LineNumber(object record) => ((ValueRecord)record).Line;

    public RowRejection? Parse(object record, object?[] values)
    {
        if (((ValueRecord)record).Problem is { } problem)
        {
            return Reject(record, null, problem);
        }

        var fields = ((ValueRecord)record).Fields;
        for (var i = 0; i < _parsers.Length; i++)
        {
            var reason = fields[i] is { } field ? _parsers[i].TryConvert(field, out values[i]) : _parsers[i].Missing(out values[i]);
            if (reason is not null)
            {
                return Reject(record, _columns[i].Name, reason);
            }
        }

        return null;
    }

    public object?[]? FieldsToTypeInPlace(object record, int width) =>
        _typesInPlace && ((ValueRecord)record).Fields is { } fields && fields.Length == width ? fields : null;

    public RowRejection Reject(object record, string? column, string reason)
    {
        var values = (ValueRecord)record;
        return new(values.Line, column, reason, values.Raw ?? RawText(values.Fields));
    }

    private static string RawText(object?[] fields)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var writer = CsvHelper.CsvWriter.Create(text))
        {
            writer.WriteRecord([.. fields.Select(f => f is null ? "" : TypedValueConversion.Text(f))]);
        }

        return text.ToString().TrimEnd('\r', '\n');
    }
}

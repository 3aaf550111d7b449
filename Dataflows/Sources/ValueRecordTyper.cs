using System.Globalization;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Rejections;

namespace Scheduler.Dataflows.Sources;

/// <summary>Types <see cref="ValueRecord"/>s by the columns, with the same parsing, null handling and lengths as the CSV source.</summary>
internal sealed class ValueRecordTyper : IRecordTyper
{
    private readonly IReadOnlyList<ColumnDefinition> _columns;
    private readonly ColumnValueParser[] _parsers;

    public ValueRecordTyper(SourceDefinition source, IReadOnlyList<ColumnDefinition> columns)
    {
        _columns = columns;
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

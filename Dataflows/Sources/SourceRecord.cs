using CsvHelper;
using Scheduler.Dataflows.Rejections;

namespace Scheduler.Dataflows.Sources;

/// <summary>One record of a <see cref="CsvRowSource"/>, valid only during the call that is given it.</summary>
internal readonly struct SourceRecord(CsvRowSource source, CsvReader record)
{
    /// <summary>The 1-based physical line where the record starts.</summary>
    public long LineNumber => source.LineNumber(record);

    /// <summary>Fills <paramref name="values"/> (one per defined column) from the record, or says why it is rejected.</summary>
    public RowRejection? Parse(object?[] values) => source.Parse(record, values);

    /// <summary>A rejection of the record, with its line and raw text.</summary>
    public RowRejection Reject(string? column, string reason) => source.Reject(record, column, reason);
}

using Scheduler.Dataflows.Rejections;

namespace Scheduler.Dataflows.Sources;

/// <summary>One record of a source, valid only during the call that is given it.</summary>
internal readonly struct SourceRecord(IRecordTyper typer, object record)
{
    /// <summary>The 1-based physical line where the record starts (for a query, the row's number).</summary>
    public long LineNumber => typer.LineNumber(record);

    /// <summary>Fills <paramref name="values"/> (one per defined column) from the record, or says why it is rejected.</summary>
    public RowRejection? Parse(object?[] values) => typer.Parse(record, values);

    /// <summary>
    /// The record's own fields as the row to <see cref="Parse"/> them into, when the source allows it and they are
    /// <paramref name="width"/> wide; else null, and the caller parses into a new row.
    /// </summary>
    public object?[]? FieldsToTypeInPlace(int width) => typer.FieldsToTypeInPlace(record, width);

    /// <summary>A rejection of the record, with its line and raw text.</summary>
    public RowRejection Reject(string? column, string reason) => typer.Reject(record, column, reason);
}

/// <summary>How a source types the records it hands out; a record is the source's own object (a CSV reader on it, a row of values).</summary>
internal interface IRecordTyper
{
    long LineNumber(object record);

    RowRejection? Parse(object record, object?[] values);

    object?[]? FieldsToTypeInPlace(object record, int width);

    RowRejection Reject(object record, string? column, string reason);
}

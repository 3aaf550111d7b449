namespace Scheduler.Dataflows.Rejections;

/// <param name="Line">The 1-based physical line where the record starts (the header is line 1).</param>
/// <param name="Column">The column at fault, or null when the record as a whole is wrong (its field count).</param>
/// <param name="Raw">The record's text as it is in the input.</param>
internal sealed record RowRejection(long Line, string? Column, string Reason, string Raw)
{
    public string Describe() => Column is null ? $"line {Line}: {Reason}" : $"line {Line}, column {Column}: {Reason}";
}

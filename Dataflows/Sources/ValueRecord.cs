namespace Scheduler.Dataflows.Sources;

/// <summary>
/// A record that a source has already split into one field per defined column: text to parse, a typed value to
/// convert, or null. Used by every source but CSV, whose reader hands out fields itself.
/// </summary>
/// <param name="Line">The 1-based line (or row) of the record, as rejections report it.</param>
/// <param name="Raw">The record as it is in the input; null to show the fields as a CSV line.</param>
internal sealed record ValueRecord(long Line, object?[] Fields, string? Raw)
{
    /// <summary>Why the record as a whole cannot be read (a line that is not a JSON object), when it cannot.</summary>
    public string? Problem { get; init; }
}

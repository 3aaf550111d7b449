namespace Scheduler.Dataflows;

/// <param name="RejectedRowsPath">The <c>rejected-rows.csv</c> written for this run, or null when no row was rejected.</param>
/// <param name="OutputPath">The file written by a file destination; null for database destinations.</param>
public sealed record DataflowResult(long RowsRead, long RowsWritten, long RowsRejected, string? RejectedRowsPath, string? OutputPath)
{
    /// <summary>Rows a Filter transform left out: neither written nor rejected.</summary>
    public long RowsFiltered { get; init; }
}

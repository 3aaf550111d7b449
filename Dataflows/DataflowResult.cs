namespace Scheduler.Dataflows;

/// <param name="RejectedRowsPath">The <c>rejected-rows.csv</c> written for this run, or null when no row was rejected.</param>
/// <param name="OutputPath">The file written by a file destination; null for database destinations.</param>
public sealed record DataflowResult(long RowsRead, long RowsWritten, long RowsRejected, string? RejectedRowsPath, string? OutputPath)
{
    /// <summary>Rows a Filter transform left out: neither written nor rejected.</summary>
    public long RowsFiltered { get; init; }

    /// <summary>
    /// When an earlier run with the same <see cref="LoadIdentity"/> committed the load: this run then read and wrote
    /// nothing, and the counts are the ones recorded with that load.
    /// </summary>
    public DateTimeOffset? LoadedBefore { get; init; }
}

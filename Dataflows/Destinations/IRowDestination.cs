namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// Where accepted rows go. Nothing is visible until <see cref="CompleteAsync"/>; disposing without completing
/// discards every row written (rolls back, deletes the temporary file).
/// </summary>
internal interface IRowDestination : IAsyncDisposable
{
    /// <param name="values">One value per defined column, in definition order; only valid during the call.</param>
    ValueTask WriteAsync(object?[] values, CancellationToken cancellationToken);

    /// <summary>Makes the rows visible; returns the path of the file written, or null for a database.</summary>
    /// <param name="counts">The run's counts, which a database destination records in its load ledger.</param>
    Task<string?> CompleteAsync(DataflowResult counts, CancellationToken cancellationToken);

    /// <summary>For logs: what this destination is, without secrets.</summary>
    string Description { get; }
}

namespace Scheduler.Dataflows;

/// <summary>
/// Names one load for the load ledger: the job, its step and the file. A database destination records the identity
/// in the same transaction as the rows, and a run whose identity is already recorded loads nothing and reports the
/// recorded counts, so that a job delivered again after its worker died between the COMMIT and the queue's
/// "succeeded" does not load the file twice.
/// </summary>
/// <param name="Step">The step within the job, unique even when one child workflow runs under several tasks.</param>
/// <param name="File">The file, as a path that stays the same when the job runs again.</param>
public sealed record LoadIdentity(string JobId, string Step, string File)
{
    /// <summary>Which try of the step made the load; kept in the ledger for the operator, not part of the identity.</summary>
    public int Attempt { get; init; } = 1;
}

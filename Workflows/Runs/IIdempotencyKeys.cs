namespace Scheduler.Workflows.Runs;

/// <summary>
/// The outcome of claiming an idempotency key: claimed by this request, or already taken, with the hash of the
/// request that took it and its job id once that request has made its job.
/// </summary>
public sealed record IdempotencyClaim(bool Claimed, string RequestHash, string? JobId);

/// <summary>
/// The <c>Idempotency-Key</c>s of run requests, so that a request sent again (a client retrying after a timeout)
/// returns the job it made instead of making another. A key is claimed before the job is made, so that two
/// concurrent requests with the same key never make two jobs.
/// </summary>
public interface IIdempotencyKeys
{
    Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, CancellationToken cancellationToken);

    Task CompleteAsync(string key, string jobId, CancellationToken cancellationToken);

    /// <summary>Frees a key whose request failed before it made a job, so that it can be sent again.</summary>
    Task ReleaseAsync(string key, CancellationToken cancellationToken);

    Task<IdempotencyClaim?> FindAsync(string key, CancellationToken cancellationToken);
}

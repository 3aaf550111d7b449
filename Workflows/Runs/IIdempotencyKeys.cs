namespace Scheduler.Workflows.Runs;

/// <summary>
/// The outcome of claiming an idempotency key: claimed by this request, or already taken, with the hash of the
/// request that took it and its job id once that request has made its job.
/// </summary>
public sealed record IdempotencyClaim(bool Claimed, string RequestHash, string? JobId)
{
    /// <summary>
    /// How long a claim may stay without a job before the next request with its key takes it over: a request that has
    /// made no job by then is taken to have died with its node. A live request needs milliseconds, one on a database
    /// that hangs up to its command timeout (30 s).
    /// </summary>
    public static readonly TimeSpan PendingLimit = TimeSpan.FromMinutes(1);

    /// <summary>
    /// What this claim is known by while it has no job: the job's record completes the key only with it, and a
    /// request whose claim was taken over cannot complete it any more. Empty unless <see cref="Claimed"/>.
    /// </summary>
    public Guid Token { get; init; }

    /// <summary>How long the key has been claimed, by the store's clock (for a pending claim: how long it has waited for its job).</summary>
    public TimeSpan Age { get; init; }
}

/// <summary>
/// The <c>Idempotency-Key</c>s of run requests, so that a request sent again (a client retrying after a timeout or a
/// crash) returns the job it made instead of making another. A key is claimed before the job is made, so that two
/// concurrent requests with the same key never make two jobs, and it is completed with the job's id in the same write
/// as the job's record (<see cref="IJobRunStore.CreateClaimed"/>): there is no moment when a job exists and its
/// key does not lead to it. A claim still without a job after <see cref="IdempotencyClaim.PendingLimit"/> is taken
/// over by the next request with its key. A key is kept as long as its job's record.
/// </summary>
public interface IIdempotencyKeys
{
    /// <summary>Claims a free key, or one whose claim has waited longer than <see cref="IdempotencyClaim.PendingLimit"/> for its job.</summary>
    Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, CancellationToken cancellationToken);

    /// <summary>Frees a key whose request failed before it made a job, so that it can be sent again; a claim taken over since is left alone.</summary>
    Task ReleaseAsync(string key, Guid token, CancellationToken cancellationToken);

    Task<IdempotencyClaim?> FindAsync(string key, CancellationToken cancellationToken);
}

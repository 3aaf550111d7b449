namespace Scheduler.Workflows.Runs;

/// <summary>
/// Where job records live. Every write is an upsert keyed by job id, because the API's "created" write and the
/// worker's "started" write race when a worker picks a job up at once.
/// </summary>
public interface IJobRunStore
{
    Task CreateAsync(JobRun run, CancellationToken cancellationToken);

    /// <summary>
    /// <see cref="CreateAsync"/> for the synchronous filter that records a job as Hangfire creates it, on the thread of
    /// whoever creates it: for a run request, a thread pool thread. Blocked on an asynchronous write, that thread would
    /// wait for another pool thread to finish it, and a burst of requests starved the pool (40 at once took 32 s, some
    /// over the database's 30 s timeout). A synchronous write waits for the database alone.
    /// </summary>
    void Create(JobRun run);

    /// <summary>
    /// Writes the record of a job made by a request that holds the claim <paramref name="token"/> on the idempotency key
    /// <paramref name="key"/>, and completes the key with the job in the same write. False, and nothing written, when
    /// the claim is no longer held (another request took it over after <see cref="IdempotencyClaim.PendingLimit"/>).
    /// Synchronous, for the same filter as <see cref="Create"/>.
    /// </summary>
    bool CreateClaimed(JobRun run, string key, Guid token);

    /// <summary>
    /// Records that the job starts, with its steps as they stand; true when an earlier delivery of the job had started
    /// it (the job runs again with the same id), so that a caller asks the queue about deliveries only then.
    /// </summary>
    Task<bool> StartAsync(JobRun run, CancellationToken cancellationToken);

    /// <summary>
    /// Saves the step as it stands, and appends <paramref name="logLines"/> (the job's log lines since the last write,
    /// often none) to the job's log in the same write: one round trip for what was two, and a reader that sees the
    /// step ended sees the lines written before its end (unless a step running beside it took them into its own save).
    /// </summary>
    Task SaveStepAsync(string jobId, int position, StepRun step, IReadOnlyList<JobLogLine> logLines, CancellationToken cancellationToken);

    /// <summary>
    /// Ends the record with its status, end and error, and the workflow's <paramref name="outputs"/> when given (null
    /// leaves the record's as they are), in one write with <paramref name="logLines"/> appended to the job's log: a
    /// reader that sees the job ended sees its outputs and its last lines.
    /// </summary>
    Task FinishAsync(
        string jobId, RunStatus status, DateTimeOffset finishedAt, string? error, IReadOnlyDictionary<string, object?>? outputs, IReadOnlyList<JobLogLine> logLines,
        CancellationToken cancellationToken);

    /// <summary>
    /// Marks a running job <see cref="RunStatus.Cancelling"/> until its engine records how it ended; false when the
    /// job had already ended, which the mark then leaves as it is.
    /// </summary>
    Task<bool> MarkCancellingAsync(string jobId, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a record that has not ended yet, with its steps still Running ended the same way (a Completed job's steps
    /// are left as they are); false when the record had ended or does not exist. For repairs: the engine's own end
    /// always wins.
    /// </summary>
    Task<bool> EndIfOpenAsync(string jobId, RunStatus status, DateTimeOffset finishedAt, string error, CancellationToken cancellationToken);

    /// <summary><see cref="EndIfOpenAsync"/> for a synchronous filter of Hangfire's (see <see cref="Create"/>): a cancel request ends a queued job's record in one.</summary>
    bool EndIfOpen(string jobId, RunStatus status, DateTimeOffset finishedAt, string error);

    /// <summary>Records that have not ended and were made before <paramref name="createdBefore"/>, oldest first, without their steps.</summary>
    Task<IReadOnlyList<JobRun>> ListOpenAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken);

    Task<JobRun?> FindAsync(string jobId, CancellationToken cancellationToken);

    Task<JobRunPage> ListAsync(JobRunQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes the records (and steps) of jobs that ended before <paramref name="endedBefore"/>; returns their ids.</summary>
    Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken);
}

using System.Globalization;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.States;
using Npgsql;
using Scheduler.Dataflows.Destinations;
using Scheduler.Workflows.Storage;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Hangfire.PostgreSql's write transaction, committed as one statement when it writes only what a job's usual state
/// changes write: a new state, the job's expiry, a queue row, counters, and the service's own writes given to
/// <see cref="Also"/> (a new job's record). Anything else is committed the library's way.
/// </summary>
/// <remarks>
/// The library runs each write as a statement of its own inside a <c>TransactionScope</c>: enqueuing a new job took
/// four round trips (the state, the queue row, the expiry, the commit), a job's Processing state three and its
/// Succeeded state six, each one on the way from a run request to its first step, or on a worker's two cores beside
/// it. Here they are data-modifying CTEs of one statement, which PostgreSQL runs to completion and commits or rolls
/// back as a whole: the same rows, and one update of the job's row where the library made two (its state, then its
/// expiry). One statement, not a batch: Npgsql writes the second statement of a synchronous batch through a
/// scheduler of half the cores' pool threads, which a burst of run requests starves (docs/architecture.md).
/// Every write is also handed to the library's transaction as it comes, which commits instead when the transaction
/// holds anything else (a set, a list, a hash, a second state for one job, another queue's row), or when it runs
/// inside an ambient <see cref="System.Transactions.TransactionScope"/> the library would enlist in.
/// The statement commits on its own, where the library sent <c>COMMIT</c> after its last write had answered: a node
/// killed while the statement runs may leave the change committed. That is the library's case too when the node dies
/// after sending its <c>COMMIT</c>, and the outcome is a state Hangfire had decided on (for a run request, a job
/// enqueued whose answer was lost, which the client's <c>Idempotency-Key</c> covers), not a job row without a state,
/// which is why the job's creation (<see cref="SchedulerPostgreSqlStorage"/>) keeps its transaction.
/// </remarks>
internal sealed class OneStatementTransaction(PostgreSqlStorage storage, string connectionString, string schema)
    // The library's connection passes the connection of its own row locks here; this storage's locks are session
    // locks on connections of their own, so the library's commit opens a pooled connection as it always did here.
    : PostgreSqlWriteOnlyTransaction(storage, () => null!)
{
    private readonly PersistentJobQueueProviderCollection _queues = storage.QueueProviders;
    private readonly List<JobChange> _jobs = [];
    private readonly List<(long JobId, string Queue)> _queued = [];
    private readonly List<(string Key, int Value, TimeSpan? ExpireIn)> _counters = [];
    private readonly List<Func<Func<NpgsqlParameter, string>, string>> _also = [];

    // Set when the transaction holds a write that the one statement does not make.
    private bool _libraryCommit;

    public override void SetJobState(string jobId, IState state)
    {
        state = StorableState.Of(state);
        base.SetJobState(jobId, state);
        var job = Job(jobId);

        // Two states of one job are two state rows and two updates of the job's row, one after the other; CTEs of
        // one statement cannot update a row twice.
        _libraryCommit |= job.State is not null;
        job.State = state;
    }

    public override void PersistJob(string jobId)
    {
        base.PersistJob(jobId);
        Job(jobId).Expiry = JobExpiry.Never;
    }

    public override void ExpireJob(string jobId, TimeSpan expireIn)
    {
        base.ExpireJob(jobId, expireIn);
        Job(jobId).Expiry = JobExpiry.After(expireIn);
    }

    public override void AddToQueue(string queue, string jobId)
    {
        base.AddToQueue(queue, jobId);

        // Another queue's provider writes its own row and wakes its own waiters, which only its Enqueue knows how to.
        _libraryCommit |= _queues.GetProvider(queue).GetJobQueue() is not NotifiedJobQueue;
        _queued.Add((JobIdOf(jobId), queue));
    }

    public override void IncrementCounter(string key)
    {
        base.IncrementCounter(key);
        _counters.Add((key, 1, null));
    }

    public override void IncrementCounter(string key, TimeSpan expireIn)
    {
        base.IncrementCounter(key, expireIn);
        _counters.Add((key, 1, expireIn));
    }

    public override void DecrementCounter(string key)
    {
        base.DecrementCounter(key);
        _counters.Add((key, -1, null));
    }

    public override void DecrementCounter(string key, TimeSpan expireIn)
    {
        base.DecrementCounter(key, expireIn);
        _counters.Add((key, -1, expireIn));
    }

    public override void AddJobState(string jobId, IState state) => LibraryOnly(() => base.AddJobState(jobId, StorableState.Of(state)));

    public override void AddToSet(string key, string value) => LibraryOnly(() => base.AddToSet(key, value));

    public override void AddToSet(string key, string value, double score) => LibraryOnly(() => base.AddToSet(key, value, score));

    public override void AddRangeToSet(string key, IList<string> items) => LibraryOnly(() => base.AddRangeToSet(key, items));

    public override void RemoveFromSet(string key, string value) => LibraryOnly(() => base.RemoveFromSet(key, value));

    public override void RemoveSet(string key) => LibraryOnly(() => base.RemoveSet(key));

    public override void ExpireSet(string key, TimeSpan expireIn) => LibraryOnly(() => base.ExpireSet(key, expireIn));

    public override void PersistSet(string key) => LibraryOnly(() => base.PersistSet(key));

    public override void InsertToList(string key, string value) => LibraryOnly(() => base.InsertToList(key, value));

    public override void RemoveFromList(string key, string value) => LibraryOnly(() => base.RemoveFromList(key, value));

    public override void TrimList(string key, int keepStartingFrom, int keepEndingAt) => LibraryOnly(() => base.TrimList(key, keepStartingFrom, keepEndingAt));

    public override void ExpireList(string key, TimeSpan expireIn) => LibraryOnly(() => base.ExpireList(key, expireIn));

    public override void PersistList(string key) => LibraryOnly(() => base.PersistList(key));

    public override void SetRangeInHash(string key, IEnumerable<KeyValuePair<string, string>> keyValuePairs) => LibraryOnly(() => base.SetRangeInHash(key, keyValuePairs));

    public override void RemoveHash(string key) => LibraryOnly(() => base.RemoveHash(key));

    public override void ExpireHash(string key, TimeSpan expireIn) => LibraryOnly(() => base.ExpireHash(key, expireIn));

    public override void PersistHash(string key) => LibraryOnly(() => base.PersistHash(key));

    /// <summary>
    /// Adds a write of the service's own, in the same database, to this transaction: <paramref name="write"/> returns
    /// its SQL and takes each value through the function it is given, which returns the value's placeholder. It commits
    /// in the state change's statement or, when the library commits, as a statement of its own just before.
    /// </summary>
    /// <remarks>
    /// The write must be one data-modifying statement without a <c>WITH</c> of its own (it becomes a CTE), must not
    /// touch the rows the state change writes (all CTEs see one snapshot), and must be safe to run twice: when the
    /// library commits, it has committed before, and Hangfire may try the creation again.
    /// </remarks>
    public void Also(Func<Func<NpgsqlParameter, string>, string> write) => _also.Add(write);

    public override void Commit()
    {
        if (_libraryCommit || System.Transactions.Transaction.Current is not null)
        {
            _also.ForEach(Execute);
            base.Commit();
            return;
        }

        if (_jobs.Count > 0 || _queued.Count > 0 || _counters.Count > 0 || _also.Count > 0)
        {
            Execute(Statement);
        }
    }

    private void Execute(Func<Func<NpgsqlParameter, string>, string> statement)
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand { Connection = connection };
        command.CommandText = statement(command.Placeholder);
        command.ExecuteNonQuery();
    }

    /// <summary>The writes as one statement, each value taken through <paramref name="parameter"/>.</summary>
    private string Statement(Func<NpgsqlParameter, string> parameter)
    {
        string Value(object? value) => parameter(new NpgsqlParameter { Value = value ?? DBNull.Value });

        // The library's expiry: now plus the whole seconds of the timeout, computed by the server.
        string ExpireAt(TimeSpan? expireIn) =>
            expireIn is { } after ? $"NOW() + make_interval(secs => {Value((double)(long)after.TotalSeconds)})" : "NULL";

        var writes = new List<string>();
        for (var i = 0; i < _jobs.Count; i++)
        {
            var job = _jobs[i];
            var id = Value(job.Id);
            var expiry = job.Expiry is { } set ? $"\"expireat\" = {ExpireAt(set.ExpireIn)}" : null;
            if (job.State is not { } state)
            {
                writes.Add($"""j{i} AS (UPDATE "{schema}"."job" SET {expiry} WHERE "id" = {id})""");
                continue;
            }

            var name = Value(state.Name);
            var data = SerializationHelper.Serialize(state.SerializeData());
            writes.Add($"""
                s{i} AS (INSERT INTO "{schema}"."state" ("jobid", "name", "reason", "createdat", "data")
                    VALUES ({id}, {name}, {Value(state.Reason)}, {Value(DateTime.UtcNow)}, {Value(string.IsNullOrEmpty(data) ? "{}" : data)}::jsonb) RETURNING "id")
                """);
            writes.Add($"""
                j{i} AS (UPDATE "{schema}"."job" j SET "stateid" = s{i}."id", "statename" = {name}{(expiry is null ? "" : ", " + expiry)}
                    FROM s{i} WHERE j."id" = {id})
                """);
        }

        for (var i = 0; i < _queued.Count; i++)
        {
            writes.Add($"q{i} AS ({NotifiedJobQueue.QueueRow(schema, Value(_queued[i].JobId), Value(_queued[i].Queue))})");
        }

        if (_counters.Count > 0)
        {
            writes.Add($"""
                c AS (INSERT INTO "{schema}"."counter" ("key", "value", "expireat")
                    VALUES {string.Join(", ", _counters.Select(c => $"({Value(c.Key)}, {Value(c.Value)}, {ExpireAt(c.ExpireIn)})"))})
                """);
        }

        for (var i = 0; i < _also.Count; i++)
        {
            writes.Add($"a{i} AS ({_also[i](parameter)})");
        }

        // A queue row wakes a worker as the library's enqueue does: the notification is sent when the statement commits.
        return $"WITH {string.Join(",\n", writes)}\nSELECT {(_queued.Count > 0 ? NotifiedJobQueue.WakeUp : "1")}";
    }

    private void LibraryOnly(Action write)
    {
        _libraryCommit = true;
        write();
    }

    private JobChange Job(string jobId)
    {
        var id = JobIdOf(jobId);
        var job = _jobs.Find(j => j.Id == id);
        if (job is null)
        {
            job = new JobChange(id);
            _jobs.Add(job);
        }

        return job;
    }

    private static long JobIdOf(string jobId) => long.Parse(jobId, CultureInfo.InvariantCulture);

    /// <summary>
    /// A state whose reason and data PostgreSQL can store: a failed job's state quotes its exception, whose message may
    /// quote a hostile input, and one NUL in it made the state's jsonb refuse the whole change, leaving the job
    /// Processing for another worker to run again.
    /// </summary>
    private sealed class StorableState(IState state) : IState
    {
        public string Name => state.Name;

        public string? Reason => state.Reason is { } reason ? PostgresText.Storable(reason) : null;

        public bool IsFinal => state.IsFinal;

        public bool IgnoreJobLoadException => state.IgnoreJobLoadException;

        public static IState Of(IState state) => state is StorableState ? state : new StorableState(state);

        public Dictionary<string, string> SerializeData() =>
            state.SerializeData().ToDictionary(pair => pair.Key, pair => pair.Value is null ? pair.Value! : PostgresText.Storable(pair.Value));
    }

    /// <summary>What one job's row gets: a new state, a new expiry (the last one set wins, as in the library), or both.</summary>
    private sealed class JobChange(long id)
    {
        public long Id { get; } = id;

        public IState? State { get; set; }

        public JobExpiry? Expiry { get; set; }
    }

    /// <summary>A job that expires <see cref="ExpireIn"/> after the commit, or never (null).</summary>
    private sealed record JobExpiry(TimeSpan? ExpireIn)
    {
        public static readonly JobExpiry Never = new((TimeSpan?)null);

        public static JobExpiry After(TimeSpan expireIn) => new(expireIn);
    }
}

using System.Text.Json;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Hangfire.Storage;
using Npgsql;
using Scheduler.Web.Http;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Hangfire.PostgreSql storage with the round-trip savings a job's way to a worker needs: a job is created in one
/// statement and read with its parameters, and a distributed lock is a session advisory lock (<see cref="SessionLock"/>)
/// instead of a row. Its monitoring API reads a job's details and the statistics in one statement each
/// (<see cref="SchedulerMonitoringApi"/>).
/// </summary>
/// <remarks>
/// The library (1.21.1) leaves <see cref="JobData.ParametersSnapshot"/> empty, so every
/// <c>GetJobParameter(name, allowStale: true)</c> of the filters that run as a worker takes a job (culture, trigger,
/// retry-of, dropped file, schedule) was a query on a pooled connection of its own: seven between a job's Processing
/// state and its first step, most of the time a job spent there (docs/measurements.md). Here the snapshot is read
/// where Hangfire reads the job for a state change, under the job's state lock, so it is as fresh as that state.
/// Creating a job was a transaction of one insert for the job and one per parameter; it is one statement here, in a
/// transaction still.
/// Every node of a deployment must use this storage: a lock taken here does not see the library's lock rows.
/// </remarks>
internal sealed class SchedulerPostgreSqlStorage : PostgreSqlStorage
{
    private readonly string _connectionString;
    private readonly string _schema;

    public SchedulerPostgreSqlStorage(string connectionString, PostgreSqlStorageOptions options)
        : base(new NpgsqlConnectionFactory(connectionString, options), options)
    {
        _connectionString = connectionString;
        _schema = options.SchemaName;
    }

    public override IMonitoringApi GetMonitoringApi()
    {
        // The base installs the schema on first use, as for GetConnection.
        base.GetMonitoringApi();
        return new SchedulerMonitoringApi(this, _connectionString, _schema);
    }

    /// <summary>A job as the library reads it from its <c>invocationdata</c> and <c>arguments</c>: null, with the reason, when its type or method is gone.</summary>
    internal static Job? LoadJob(string invocationData, string? arguments, out JobLoadException? loadException)
    {
        var invocation = SerializationHelper.Deserialize<InvocationData>(invocationData);
        invocation.Arguments = arguments;
        loadException = null;
        try
        {
            return invocation.DeserializeJob();
        }
        catch (JobLoadException e)
        {
            loadException = e;
            return null;
        }
    }

    /// <summary>Job parameters aggregated by <c>jsonb_object_agg</c> into column <paramref name="ordinal"/>, read as text.</summary>
    internal static Dictionary<string, string> ReadParameters(NpgsqlDataReader reader, int ordinal) =>
        reader.IsDBNull(ordinal) ? [] : JsonSerializer.Deserialize(reader.GetString(ordinal), WebJsonContext.Default.DictionaryStringString)!;

    public override IStorageConnection GetConnection()
    {
        // The base installs the schema when it is built and, after a start without the database (the library's
        // default degraded mode), on the next use through this call, a private step; its connection holds nothing until used.
        base.GetConnection().Dispose();
        return new Connection(this, _connectionString, _schema, () => new OneStatementTransaction(this, _connectionString, _schema));
    }

    private sealed class Connection(PostgreSqlStorage storage, string connectionString, string schema, Func<IWriteOnlyTransaction> newTransaction)
        : PostgreSqlConnection(storage)
    {
        // Hangfire may take a lock again on the connection that holds it; only the outermost release lets it go.
        private readonly Dictionary<string, (SessionLock Lock, int Depth)> _held = new(StringComparer.Ordinal);

        public override IDisposable AcquireDistributedLock(string resource, TimeSpan timeout)
        {
            ArgumentException.ThrowIfNullOrEmpty(resource);
            var key = schema + ":" + resource;
            _held[key] = _held.TryGetValue(key, out var held)
                ? held with { Depth = held.Depth + 1 }
                : (SessionLock.Acquire(connectionString, key, timeout), 1);
            return new Release(this, key);
        }

        public override IWriteOnlyTransaction CreateWriteTransaction() => newTransaction();

        public override string CreateExpiredJob(Job job, IDictionary<string, string> parameters, DateTime createdAt, TimeSpan expireIn)
        {
            ArgumentNullException.ThrowIfNull(job);
            ArgumentNullException.ThrowIfNull(parameters);

            // The library's rows (same columns, same JSON) in one statement: its insert of the job and one insert per
            // parameter were five round trips on the way of every run request. Still in a transaction committed only
            // once the statement answered: a node killed while the insert waits (for a lock, a slow disk) leaves no
            // job that nobody was told of, as an autocommit statement would once the server went on without it.
            var invocation = InvocationData.SerializeJob(job);
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var transaction = connection.BeginTransaction();
            using var command = new NpgsqlCommand($"""
                WITH job AS (
                    INSERT INTO "{schema}"."job" ("invocationdata", "arguments", "createdat", "expireat")
                    VALUES ($1::jsonb, $2::jsonb, $3, $4) RETURNING "id"),
                parameters AS (
                    INSERT INTO "{schema}"."jobparameter" ("jobid", "name", "value")
                    SELECT job."id", p.name, p.value FROM job, unnest($5::text[], $6::text[]) AS p(name, value))
                SELECT "id" FROM job
                """, connection, transaction);
            command.Parameters.Add(new NpgsqlParameter { Value = SerializationHelper.Serialize(invocation) });
            command.Parameters.Add(new NpgsqlParameter { Value = string.IsNullOrEmpty(invocation.Arguments) ? "[]" : invocation.Arguments });
            command.Parameters.Add(new NpgsqlParameter { Value = createdAt });
            command.Parameters.Add(new NpgsqlParameter { Value = createdAt.Add(expireIn) });
            command.Parameters.Add(new NpgsqlParameter { Value = parameters.Keys.ToArray() });
            command.Parameters.Add(new NpgsqlParameter { Value = parameters.Values.ToArray(), NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Array | NpgsqlTypes.NpgsqlDbType.Text });
            var jobId = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture)!;
            transaction.Commit();
            return jobId;
        }

        public override JobData? GetJobData(string id)
        {
            ArgumentNullException.ThrowIfNull(id);

            // The pool the library's own connections come from (same connection string).
            using var connection = new NpgsqlConnection(connectionString);
            connection.Open();
            using var command = new NpgsqlCommand($"""
                SELECT j."invocationdata"::text, j."statename", j."arguments"::text, j."createdat",
                    (SELECT jsonb_object_agg(p."name", p."value") FROM "{schema}"."jobparameter" p WHERE p."jobid" = j."id")::text
                FROM "{schema}"."job" j
                WHERE j."id" = $1
                """, connection);
            command.Parameters.Add(new NpgsqlParameter { Value = long.Parse(id, System.Globalization.CultureInfo.InvariantCulture) });
            using var reader = command.ExecuteReader();
            if (!reader.Read())
            {
                return null;
            }

            var job = LoadJob(reader.GetString(0), reader.IsDBNull(2) ? null : reader.GetString(2), out var loadException);
            return new JobData
            {
                Job = job,
                State = reader.IsDBNull(1) ? null : reader.GetString(1),
                CreatedAt = reader.GetDateTime(3),
                LoadException = loadException,
                ParametersSnapshot = ReadParameters(reader, 4),
            };
        }

        public override void Dispose()
        {
            foreach (var (held, _) in _held.Values)
            {
                held.Dispose();
            }

            _held.Clear();
            base.Dispose();
        }

        private void ReleaseOnce(string key)
        {
            if (!_held.TryGetValue(key, out var held))
            {
                return;
            }

            if (held.Depth > 1)
            {
                _held[key] = held with { Depth = held.Depth - 1 };
                return;
            }

            _held.Remove(key);
            held.Lock.Dispose();
        }

        private sealed class Release(Connection owner, string key) : IDisposable
        {
            private bool _released;

            public void Dispose()
            {
                if (!_released)
                {
                    _released = true;
                    owner.ReleaseOnce(key);
                }
            }
        }
    }
}

using System.Globalization;
using Hangfire.Common;
using Hangfire.PostgreSql;
using Hangfire.States;
using Hangfire.Storage;
using Hangfire.Storage.Monitoring;
using Npgsql;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Hangfire.PostgreSql's monitoring API with a job's details and the dashboard's statistics read in one statement
/// each. The library's reads are three and five statements in one command, and Npgsql writes every statement after a
/// synchronous command's first on the thread pool: a job's details (<c>GET /api/jobs/{id}</c>, the dashboard's job
/// page) or the statistics (every dashboard polls them every few seconds), read on a request's pool thread, waited
/// for another pool thread, and a burst of such requests starved the pool.
/// </summary>
/// <remarks>The class implements <see cref="IMonitoringApi"/> again, so that its methods here are the interface's.</remarks>
internal sealed class SchedulerMonitoringApi(PostgreSqlStorage storage, string connectionString, string schema)
    : PostgreSqlMonitoringApi(storage, storage.QueueProviders), IMonitoringApi
{
    public new JobDetailsDto? JobDetails(string jobId)
    {
        // The library throws on an id that is not a number, which the dashboard's job page takes from its URL.
        if (!long.TryParse(jobId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        // The pool the library's own connections come from (same connection string).
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"""
            SELECT j."invocationdata"::text, j."arguments"::text, j."createdat", j."expireat",
                (SELECT jsonb_object_agg(p."name", p."value") FROM "{schema}"."jobparameter" p WHERE p."jobid" = j."id")::text,
                s.names, s.reasons, s.times, s.data
            FROM "{schema}"."job" j,
                LATERAL (SELECT array_agg(s."name" ORDER BY s."id" DESC) AS names, array_agg(s."reason" ORDER BY s."id" DESC) AS reasons,
                    array_agg(s."createdat" ORDER BY s."id" DESC) AS times, array_agg(s."data"::text ORDER BY s."id" DESC) AS data
                    FROM "{schema}"."state" s WHERE s."jobid" = j."id") s
            WHERE j."id" = $1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = id });
        using var reader = command.ExecuteReader();
        if (!reader.Read())
        {
            return null;
        }

        var history = new List<StateHistoryDto>();
        if (!reader.IsDBNull(5))
        {
            var names = reader.GetFieldValue<string[]>(5);
            var reasons = reader.GetFieldValue<string?[]>(6);
            var times = reader.GetFieldValue<DateTime[]>(7);
            var data = reader.GetFieldValue<string?[]>(8);
            for (var i = 0; i < names.Length; i++)
            {
                history.Add(new StateHistoryDto
                {
                    StateName = names[i],
                    Reason = reasons[i],
                    CreatedAt = times[i],
                    Data = new Dictionary<string, string>(
                        data[i] is { } json ? SerializationHelper.Deserialize<Dictionary<string, string>>(json) : [], StringComparer.OrdinalIgnoreCase),
                });
            }
        }

        return new JobDetailsDto
        {
            Job = SchedulerPostgreSqlStorage.LoadJob(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), out _),
            CreatedAt = reader.GetDateTime(2),
            ExpireAt = reader.IsDBNull(3) ? null : reader.GetDateTime(3),
            Properties = SchedulerPostgreSqlStorage.ReadParameters(reader, 4),
            History = history,
        };
    }

    public new StatisticsDto GetStatistics()
    {
        using var connection = new NpgsqlConnection(connectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"""
            SELECT
                (SELECT count(*) FROM "{schema}"."job" WHERE "statename" = '{EnqueuedState.StateName}'),
                (SELECT count(*) FROM "{schema}"."job" WHERE "statename" = '{FailedState.StateName}'),
                (SELECT count(*) FROM "{schema}"."job" WHERE "statename" = '{ProcessingState.StateName}'),
                (SELECT count(*) FROM "{schema}"."job" WHERE "statename" = '{ScheduledState.StateName}'),
                (SELECT count(*) FROM "{schema}"."server"),
                {Counter("stats:succeeded")},
                {Counter("stats:deleted")},
                (SELECT count(*) FROM "{schema}"."set" WHERE "key" = 'recurring-jobs'),
                (SELECT count(DISTINCT "queue") FROM "{schema}"."jobqueue")
            """, connection);
        using var reader = command.ExecuteReader();
        reader.Read();
        return new StatisticsDto
        {
            Enqueued = reader.GetInt64(0),
            Failed = reader.GetInt64(1),
            Processing = reader.GetInt64(2),
            Scheduled = reader.GetInt64(3),
            Servers = reader.GetInt64(4),
            Succeeded = reader.GetInt64(5),
            Deleted = reader.GetInt64(6),
            Recurring = reader.GetInt64(7),
            Queues = reader.GetInt64(8),
        };
    }

    // A counter is the sum of its rows not yet aggregated and of its aggregate, as the library counts it.
    private string Counter(string key) => $"""
        (SELECT coalesce(sum("value"), 0)::bigint FROM (
            SELECT "value" FROM "{schema}"."counter" WHERE "key" = '{key}'
            UNION ALL SELECT "value" FROM "{schema}"."aggregatedcounter" WHERE "key" = '{key}') c)
        """;
}

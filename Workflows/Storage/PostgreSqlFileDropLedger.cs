using Npgsql;
using NpgsqlTypes;
using Scheduler.Workflows.Triggers;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// The file-drop ledger in <c>scheduler.file_drops</c>, one row per schedule and file identity. The claim is one
/// conditional UPDATE: when two nodes poll at once, the second waits for the first's row lock, finds the row claimed
/// and updates nothing.
/// </summary>
public sealed class PostgreSqlFileDropLedger(NpgsqlDataSource dataSource) : IFileDropLedger
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS scheduler.file_drops (
            schedule_id text NOT NULL,
            path text NOT NULL,
            size bigint NOT NULL,
            modified text NOT NULL,
            first_seen timestamptz NOT NULL,
            last_seen timestamptz NOT NULL,
            claimed_at timestamptz,
            job_id text,
            PRIMARY KEY (schedule_id, path, size, modified));
        """;

    private const string Key = "schedule_id = $1 AND path = $2 AND size = $3 AND modified = $4";

    private volatile bool _prepared;

    public async Task<IReadOnlyList<DroppedFile>> ObserveAsync(
        string scheduleId, IReadOnlyList<DroppedFile> listed, DateTimeOffset now, TimeSpan stableFor, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                Listed("""
                    INSERT INTO scheduler.file_drops (schedule_id, path, size, modified, first_seen, last_seen)
                    SELECT $1, l.path, l.size, l.modified, $5, $5 FROM unnest($2::text[], $3::bigint[], $4::text[]) AS l(path, size, modified)
                    ON CONFLICT (schedule_id, path, size, modified) DO UPDATE SET last_seen = greatest(file_drops.last_seen, excluded.last_seen)
                    """),
                Listed("""
                    DELETE FROM scheduler.file_drops d WHERE d.schedule_id = $1
                      AND NOT EXISTS (SELECT 1 FROM unnest($2::text[], $3::bigint[], $4::text[]) AS l(path, size, modified)
                                      WHERE l.path = d.path AND l.size = d.size AND l.modified = d.modified)
                      AND (d.claimed_at IS NULL OR d.last_seen < $5 - $6::interval)
                    """, FileDropLimits.StartedMemory),
                Listed("""
                    SELECT d.path, d.size, d.modified FROM scheduler.file_drops d
                    JOIN unnest($2::text[], $3::bigint[], $4::text[]) AS l(path, size, modified)
                      ON l.path = d.path AND l.size = d.size AND l.modified = d.modified
                    WHERE d.schedule_id = $1 AND d.job_id IS NULL AND d.first_seen <= $5 - $6::interval
                      AND (d.claimed_at IS NULL OR d.claimed_at < $5 - $7::interval)
                    ORDER BY d.path
                    """, stableFor, FileDropLimits.AbandonedClaim),
            },
        };

        var due = new List<DroppedFile>();
        await using (var reader = await batch.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new DroppedFile(reader.GetString(0), reader.GetInt64(1), reader.GetString(2)));
            }
        }

        await transaction.CommitAsync(cancellationToken);
        return due;

        NpgsqlBatchCommand Listed(string sql, params TimeSpan[] intervals)
        {
            var command = new NpgsqlBatchCommand(sql)
            {
                Parameters =
                {
                    new() { Value = scheduleId },
                    new() { Value = listed.Select(f => f.Path).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new() { Value = listed.Select(f => f.Size).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Bigint },
                    new() { Value = listed.Select(f => f.Modified).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text },
                    new() { Value = now },
                },
            };
            foreach (var interval in intervals)
            {
                command.Parameters.Add(new() { Value = interval });
            }

            return command;
        }
    }

    public async Task<bool> ClaimAsync(string scheduleId, DroppedFile file, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = Command(
            $"UPDATE scheduler.file_drops SET claimed_at = $5 WHERE {Key} AND job_id IS NULL AND (claimed_at IS NULL OR claimed_at < $5 - $6::interval)",
            scheduleId,
            file,
            now,
            FileDropLimits.AbandonedClaim);
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }

    public async Task ReleaseAsync(string scheduleId, DroppedFile file, CancellationToken cancellationToken)
    {
        await using var command = Command($"UPDATE scheduler.file_drops SET claimed_at = NULL WHERE {Key} AND job_id IS NULL", scheduleId, file);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task RecordJobAsync(string scheduleId, DroppedFile file, string jobId, CancellationToken cancellationToken)
    {
        await using var command = Command($"UPDATE scheduler.file_drops SET job_id = $5 WHERE {Key}", scheduleId, file, jobId);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<FileDropStart?> LastStartAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        await using var command = dataSource.CreateCommand(
            "SELECT path, job_id, claimed_at FROM scheduler.file_drops WHERE schedule_id = $1 AND job_id IS NOT NULL ORDER BY claimed_at DESC LIMIT 1");
        command.Parameters.Add(new() { Value = scheduleId });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new FileDropStart(reader.GetString(0), reader.GetString(1), reader.GetFieldValue<DateTimeOffset>(2))
            : null;
    }

    public async Task<IReadOnlyList<string>> SchedulesAsync(CancellationToken cancellationToken)
    {
        // Without making the table: a service that never had a file-drop schedule has none to name.
        await using (var exists = dataSource.CreateCommand("SELECT to_regclass('scheduler.file_drops') IS NOT NULL"))
        {
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                return [];
            }
        }

        await using var command = dataSource.CreateCommand("SELECT DISTINCT schedule_id FROM scheduler.file_drops");
        var schedules = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            schedules.Add(reader.GetString(0));
        }

        return schedules;
    }

    public async Task ForgetAsync(string scheduleId, CancellationToken cancellationToken)
    {
        await PrepareAsync(cancellationToken);
        await using var command = dataSource.CreateCommand("DELETE FROM scheduler.file_drops WHERE schedule_id = $1");
        command.Parameters.Add(new() { Value = scheduleId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    // The table is made on first use rather than at start-up: a service without file-drop schedules never needs it.
    private async Task PrepareAsync(CancellationToken cancellationToken)
    {
        if (!_prepared)
        {
            await SchedulerSchema.ApplyAsync(dataSource, Schema, cancellationToken);
            _prepared = true;
        }
    }

    private NpgsqlCommand Command(string sql, string scheduleId, DroppedFile file, params object[] more)
    {
        var command = dataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = scheduleId });
        command.Parameters.Add(new() { Value = file.Path });
        command.Parameters.Add(new() { Value = file.Size });
        command.Parameters.Add(new() { Value = file.Modified });
        foreach (var value in more)
        {
            command.Parameters.Add(new() { Value = value });
        }

        return command;
    }
}

using Npgsql;
using NpgsqlTypes;
using Scheduler.Dataflows.Destinations;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Job logs in <c>scheduler.job_log</c> (created with the job record tables), in the order they were written, so
/// that any node can show the log of a job that ran on another.
/// </summary>
public sealed class PostgreSqlJobLog(NpgsqlDataSource dataSource) : IJobLog
{
    public async Task AppendAsync(string jobId, IReadOnlyList<JobLogLine> lines, CancellationToken cancellationToken)
    {
        if (lines.Count == 0)
        {
            return;
        }

        await using var batch = dataSource.CreateBatch();
        AddAppend(batch, jobId, lines);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Adds the append of <paramref name="lines"/> to <paramref name="batch"/>, for a record write that carries them; nothing when there are none.</summary>
    internal static void AddAppend(NpgsqlBatch batch, string jobId, IReadOnlyList<JobLogLine> lines)
    {
        if (lines.Count == 0)
        {
            return;
        }

        // One statement for a batch of lines, in their order (the id sequence follows unnest's order).
        var append = new NpgsqlBatchCommand("""
            INSERT INTO scheduler.job_log (job_id, at, step, level, message)
            SELECT $1, line.at, line.step, line.level, line.message
            FROM unnest($2::timestamptz[], $3::text[], $4::text[], $5::text[]) WITH ORDINALITY AS line(at, step, level, message, n)
            ORDER BY line.n
            """);
        append.Parameters.Add(new() { Value = jobId });
        append.Parameters.Add(new() { Value = lines.Select(l => l.Timestamp.ToUniversalTime()).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz });
        append.Parameters.Add(new() { Value = lines.Select(l => l.Step).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        append.Parameters.Add(new() { Value = lines.Select(l => l.Level).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        // A line may quote a hostile input: it is written all the same.
        append.Parameters.Add(new() { Value = lines.Select(l => PostgresText.Storable(l.Message)).ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        batch.BatchCommands.Add(append);
    }

    public async Task<IReadOnlyList<JobLogLine>> ReadAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT at, step, level, message FROM scheduler.job_log WHERE job_id = $1 ORDER BY id");
        command.Parameters.Add(new() { Value = jobId });
        var lines = new List<JobLogLine>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            lines.Add(new(
                reader.GetFieldValue<DateTimeOffset>(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.GetString(2),
                reader.GetString(3)));
        }

        return lines;
    }

    public async Task DeleteAsync(IReadOnlyList<string> jobIds, CancellationToken cancellationToken)
    {
        if (jobIds.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("DELETE FROM scheduler.job_log WHERE job_id = ANY($1)");
        command.Parameters.Add(new() { Value = jobIds.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

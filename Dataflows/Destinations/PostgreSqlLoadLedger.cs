using Npgsql;
using NpgsqlTypes;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// The table <c>scheduler_ledger</c>, in the schema of the load's target table, where every load with a
/// <see cref="LoadIdentity"/> is recorded with its counts inside the load's own transaction: the rows and the record
/// commit together or not at all. A run that finds its identity there loads nothing.
/// </summary>
internal sealed class PostgreSqlLoadLedger
{
    public const string Name = "scheduler_ledger";

    /// <summary>
    /// How long a record is kept. A job is delivered again only while it is unfinished in the queue, within minutes of
    /// its worker's death; a month covers a cluster that stayed down for weeks.
    /// </summary>
    public static readonly TimeSpan Retention = TimeSpan.FromDays(30);

    private const string PrimaryKey = "scheduler_ledger_pkey";

    private readonly TableName _table;
    private readonly LoadIdentity _load;

    private PostgreSqlLoadLedger(TableName table, LoadIdentity load)
    {
        _table = table;
        _load = load;
    }

    /// <summary>
    /// The ledger of the database and schema that <paramref name="target"/> resolves to, created when missing, its
    /// expired records removed. Runs outside the load's transaction: each statement is short, so loads into the same
    /// schema never wait for each other here.
    /// </summary>
    public static async Task<PostgreSqlLoadLedger> OpenAsync(NpgsqlConnection connection, TableName target, LoadIdentity load, CancellationToken cancellationToken)
    {
        string schema;
        bool exists;
        await using (var find = new NpgsqlCommand(
            $"""
            SELECT schema, to_regclass(quote_ident(schema) || '.{Name}') IS NOT NULL FROM (SELECT coalesce(
                (SELECT n.nspname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = to_regclass($1)),
                $2, current_schema()) AS schema) AS target
            """,
            connection))
        {
            find.Parameters.Add(new() { Value = target.Sql });
            find.Parameters.Add(new() { Value = (object?)target.Schema ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
            await using var reader = await find.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            schema = reader.IsDBNull(0)
                ? throw new DataflowException($"Cannot keep the load ledger for table '{target}': the database has no schema to create it in (search_path is empty).")
                : reader.GetString(0);
            exists = reader.GetBoolean(1);
        }

        var ledger = new PostgreSqlLoadLedger(new TableName(schema, Name), load);
        if (!exists)
        {
            await ledger.CreateAsync(connection, cancellationToken);
        }

        await ExecuteAsync(connection, $"DELETE FROM {ledger._table.Sql} WHERE loaded_at < now() - make_interval(days => {(int)Retention.TotalDays})", cancellationToken);
        return ledger;
    }

    // Checked before, because CREATE TABLE IF NOT EXISTS needs the CREATE right even when the table is there, and a
    // DBA may have made the ledger for a service that has no such right.
    private async Task CreateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        try
        {
            await ExecuteAsync(
                    connection,
                    $"""
                    CREATE TABLE IF NOT EXISTS {_table.Sql} (
                        job_id        text NOT NULL,
                        step          text NOT NULL,
                        file          text NOT NULL,
                        attempt       integer NOT NULL,
                        target_table  text NOT NULL,
                        rows_read     bigint NOT NULL,
                        rows_written  bigint NOT NULL,
                        rows_rejected bigint NOT NULL,
                        rows_filtered bigint NOT NULL,
                        loaded_at     timestamptz NOT NULL DEFAULT now(),
                        CONSTRAINT {PrimaryKey} PRIMARY KEY (job_id, step, file));
                    CREATE INDEX IF NOT EXISTS scheduler_ledger_loaded_at ON {_table.Sql} (loaded_at)
                    """,
                    cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DuplicateTable)
        {
            // Another load created it at the same moment.
        }
        catch (PostgresException exception) when (!cancellationToken.IsCancellationRequested)
        {
            throw new DataflowException(
                $"Cannot create the load ledger {_table}: {exception.MessageText}. Grant CREATE on the schema, or create the table as docs/dataflows.md shows.",
                exception);
        }
    }

    /// <summary>The counts recorded by an earlier run with the same identity, or null when there was none.</summary>
    public async Task<DataflowResult?> FindAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"SELECT rows_read, rows_written, rows_rejected, rows_filtered, loaded_at FROM {_table.Sql} WHERE job_id = $1 AND step = $2 AND file = $3",
            connection);
        AddIdentity(command);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new DataflowResult(reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), null, null)
            {
                RowsFiltered = reader.GetInt64(3),
                LoadedBefore = reader.GetFieldValue<DateTimeOffset>(4),
            }
            : null;
    }

    /// <summary>Records the load inside its transaction, just before the COMMIT that makes rows and record visible together.</summary>
    public async Task RecordAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TableName target, DataflowResult counts, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            $"""
            INSERT INTO {_table.Sql} (job_id, step, file, attempt, target_table, rows_read, rows_written, rows_rejected, rows_filtered)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """,
            connection,
            transaction);
        AddIdentity(command);
        command.Parameters.Add(new() { Value = _load.Attempt });
        // The ledger lives in the target's schema, which names the table whatever search_path was.
        command.Parameters.Add(new() { Value = (target with { Schema = _table.Schema }).ToString() });
        command.Parameters.Add(new() { Value = counts.RowsRead });
        command.Parameters.Add(new() { Value = counts.RowsWritten });
        command.Parameters.Add(new() { Value = counts.RowsRejected });
        command.Parameters.Add(new() { Value = counts.RowsFiltered });
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.UniqueViolation && exception.ConstraintName == PrimaryKey)
        {
            // The key waited for the other transaction's COMMIT: two deliveries of one job ran at once, and the other won.
            throw new DataflowException(
                $"Another run of job {_load.JobId} loaded {_load.File} for step {_load.Step} at the same time; this run loaded nothing, so the rows are in once.",
                exception);
        }
    }

    private void AddIdentity(NpgsqlCommand command)
    {
        command.Parameters.Add(new() { Value = _load.JobId });
        command.Parameters.Add(new() { Value = _load.Step });
        command.Parameters.Add(new() { Value = _load.File });
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

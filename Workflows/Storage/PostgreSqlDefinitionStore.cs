using Npgsql;
using NpgsqlTypes;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Definitions in the service's own table <c>scheduler.definitions</c>, one row per version, so that every node runs
/// the same definitions and a job's recorded version can still be read after later changes.
/// </summary>
public sealed class PostgreSqlDefinitionStore(NpgsqlDataSource dataSource) : IDefinitionStore
{
    private const string Schema = """
        CREATE TABLE IF NOT EXISTS scheduler.definitions (
            id          bigserial PRIMARY KEY,
            kind        text NOT NULL,
            name        text NOT NULL,
            key         text NOT NULL,
            version     integer NOT NULL,
            document    jsonb,
            created_at  timestamptz NOT NULL DEFAULT now(),
            created_by  text,
            UNIQUE (kind, key, version));
        """;

    private const string Columns = "kind, name, version, document::text, created_at, created_by";

    public Task PrepareAsync(CancellationToken cancellationToken) => SchedulerSchema.ApplyAsync(dataSource, Schema, cancellationToken);

    public Task<StoredDefinition?> SaveAsync(
        DefinitionKind kind, string name, string document, string? createdBy, bool onlyIfChanged, CancellationToken cancellationToken) =>
        AddVersionAsync(kind, name, document, createdBy, onlyIfChanged, cancellationToken);

    public async Task<bool> DeleteAsync(DefinitionKind kind, string name, string? deletedBy, CancellationToken cancellationToken) =>
        await AddVersionAsync(kind, name, null, deletedBy, onlyIfChanged: false, cancellationToken) is not null;

    public async Task<IReadOnlyList<StoredDefinition>> LatestAsync(DefinitionKind kind, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT * FROM (
                SELECT DISTINCT ON (key) {Columns} FROM scheduler.definitions WHERE kind = $1 ORDER BY key, version DESC) latest
            WHERE document IS NOT NULL ORDER BY lower(name)
            """);
        command.Parameters.Add(new() { Value = kind.ToString() });
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<StoredDefinition?> FindAsync(DefinitionKind kind, string name, int? version, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {Columns} FROM scheduler.definitions
            WHERE kind = $1 AND key = lower($2) AND ($3::integer IS NULL OR version = $3)
            ORDER BY version DESC LIMIT 1
            """);
        command.Parameters.Add(new() { Value = kind.ToString() });
        command.Parameters.Add(new() { Value = name });
        command.Parameters.Add(new() { Value = (object?)version ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        return await ReadAllAsync(command, cancellationToken) is [var found, ..] ? found : null;
    }

    public async Task<IReadOnlyList<StoredDefinition>> HistoryAsync(DefinitionKind kind, string name, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {Columns} FROM scheduler.definitions WHERE kind = $1 AND key = lower($2) ORDER BY version DESC");
        command.Parameters.Add(new() { Value = kind.ToString() });
        command.Parameters.Add(new() { Value = name });
        return await ReadAllAsync(command, cancellationToken);
    }

    public async Task<string> ChangeStampAsync(DefinitionKind kind, CancellationToken cancellationToken)
    {
        // The count as well as the highest id: a sequence value taken earlier may commit after a later one.
        await using var command = dataSource.CreateCommand(
            "SELECT count(*)::text || '/' || coalesce(max(id), 0)::text FROM scheduler.definitions WHERE kind = $1");
        command.Parameters.Add(new() { Value = kind.ToString() });
        return (string)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    private async Task<StoredDefinition?> AddVersionAsync(
        DefinitionKind kind, string name, string? document, string? createdBy, bool onlyIfChanged, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // One writer per definition at a time, across nodes, so that two saves never compute the same next version
        // and two nodes importing the same folder at start-up add one version, not two.
        await using (var locking = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('scheduler.definitions'), hashtext($1 || '/' || lower($2)))", connection, transaction))
        {
            locking.Parameters.Add(new() { Value = kind.ToString() });
            locking.Parameters.Add(new() { Value = name });
            await locking.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var insert = new NpgsqlCommand(
            $"""
            WITH latest AS (
                SELECT version, document FROM scheduler.definitions WHERE kind = $1 AND key = lower($2) ORDER BY version DESC LIMIT 1)
            INSERT INTO scheduler.definitions (kind, name, key, version, document, created_by)
            SELECT $1, $2, lower($2), coalesce((SELECT version FROM latest), 0) + 1, $3, $4
            WHERE CASE
                WHEN $3 IS NULL THEN (SELECT document FROM latest) IS NOT NULL
                WHEN $5 THEN (SELECT document FROM latest) IS DISTINCT FROM $3
                ELSE true END
            RETURNING {Columns}
            """,
            connection,
            transaction);
        insert.Parameters.Add(new() { Value = kind.ToString() });
        insert.Parameters.Add(new() { Value = name });
        insert.Parameters.Add(new() { Value = (object?)document ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Jsonb });
        insert.Parameters.Add(new() { Value = (object?)createdBy ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        insert.Parameters.Add(new() { Value = onlyIfChanged });
        var added = await ReadAllAsync(insert, cancellationToken) is [var row, ..] ? row : null;
        await transaction.CommitAsync(cancellationToken);
        return added;
    }

    private static async Task<IReadOnlyList<StoredDefinition>> ReadAllAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        var found = new List<StoredDefinition>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            found.Add(new(
                Enum.Parse<DefinitionKind>(reader.GetString(0)),
                reader.GetString(1),
                reader.GetInt32(2),
                reader.IsDBNull(3) ? null : reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4),
                reader.IsDBNull(5) ? null : reader.GetString(5)));
        }

        return found;
    }
}

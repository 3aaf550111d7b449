using Npgsql;
using NpgsqlTypes;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Secret values in <c>scheduler.secret_values</c>, encrypted (<see cref="ISecretProtector"/>) and readable by the
/// worker on any node that has the keys. A job's values go with its records; a schedule's after it is replaced or
/// deleted and the retention has passed, since the jobs it made may still be retried.
/// </summary>
public sealed class PostgreSqlSecretValues(NpgsqlDataSource dataSource, ISecretProtector protector) : ISecretValues
{
    public async Task<string> KeepAsync(string value, string? owner, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await using var command = dataSource.CreateCommand("INSERT INTO scheduler.secret_values (id, protected, owner) VALUES ($1, $2, $3)");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = protector.Protect(value), NpgsqlDbType = NpgsqlDbType.Bytea });
        command.Parameters.Add(new() { Value = (object?)owner ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return SecretReference.For(id);
    }

    public async Task ClaimAsync(IReadOnlyCollection<Guid> ids, string owner, CancellationToken cancellationToken)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var command = dataSource.CreateCommand("UPDATE scheduler.secret_values SET owner = $2 WHERE id = ANY($1) AND owner IS NULL");
        command.Parameters.Add(new() { Value = ids.ToArray() });
        command.Parameters.Add(new() { Value = owner });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<string?> RevealForAsync(Guid id, IReadOnlyList<string> owners, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            UPDATE scheduler.secret_values SET owner = coalesce(owner, $2)
            WHERE id = $1 AND (owner IS NULL OR owner = ANY($3)) AND protected IS NOT NULL
            RETURNING protected
            """);
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = owners[0] });
        command.Parameters.Add(new() { Value = owners.ToArray() });
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] value ? protector.Unprotect(value) : null;
    }

    public async Task<string?> RevealAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT protected FROM scheduler.secret_values WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) is byte[] value ? protector.Unprotect(value) : null;
    }

    public async Task ReleaseAsync(string owner, DateTimeOffset at, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE scheduler.secret_values SET released_at = $2 WHERE owner = $1 AND released_at IS NULL");
        command.Parameters.Add(new() { Value = owner });
        command.Parameters.Add(new() { Value = at.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<string>> HoldersAsync(string prefix, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT DISTINCT owner FROM scheduler.secret_values WHERE released_at IS NULL AND starts_with(owner, $1)");
        command.Parameters.Add(new() { Value = prefix });
        var holders = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            holders.Add(reader.GetString(0));
        }

        return holders;
    }

    public async Task<int> PurgeAsync(IReadOnlyCollection<string> owners, DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            DELETE FROM scheduler.secret_values
            WHERE owner = ANY($1) OR released_at < $2 OR (owner IS NULL AND created_at < $2)
            """);
        command.Parameters.Add(new() { Value = owners.ToArray(), NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = before.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Encrypts the values that older versions stored in plain text. They had no owner: they get one when a job next
    /// runs with them, and a full retention period from now for that.
    /// </summary>
    public async Task ProtectPlainValuesAsync(CancellationToken cancellationToken)
    {
        var plain = new List<(Guid Id, string Value)>();
        await using (var select = dataSource.CreateCommand("SELECT id, value FROM scheduler.secret_values WHERE value IS NOT NULL"))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                plain.Add((reader.GetGuid(0), reader.GetString(1)));
            }
        }

        foreach (var (id, value) in plain)
        {
            await using var update = dataSource.CreateCommand(
                "UPDATE scheduler.secret_values SET protected = $2, value = NULL, created_at = now() WHERE id = $1 AND value IS NOT NULL");
            update.Parameters.Add(new() { Value = id });
            update.Parameters.Add(new() { Value = protector.Protect(value), NpgsqlDbType = NpgsqlDbType.Bytea });
            await update.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}

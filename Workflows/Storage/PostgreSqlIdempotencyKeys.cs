using Npgsql;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Idempotency keys in <c>scheduler.idempotency_keys</c>: the primary key makes the claim race-safe across
/// requests and nodes (the second insert of a key finds the first).
/// </summary>
public sealed class PostgreSqlIdempotencyKeys(NpgsqlDataSource dataSource) : IIdempotencyKeys
{
    public async Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, CancellationToken cancellationToken)
    {
        await using var insert = dataSource.CreateCommand(
            "INSERT INTO scheduler.idempotency_keys (key, request_hash) VALUES ($1, $2) ON CONFLICT (key) DO NOTHING");
        insert.Parameters.Add(new() { Value = key });
        insert.Parameters.Add(new() { Value = requestHash });
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            return new(Claimed: true, requestHash, null);
        }

        // Released between the insert and this read: the caller sees a claim in progress and asks again.
        return await FindAsync(key, cancellationToken) ?? new(Claimed: false, requestHash, null);
    }

    public async Task CompleteAsync(string key, string jobId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE scheduler.idempotency_keys SET job_id = $2 WHERE key = $1");
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = jobId });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task ReleaseAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM scheduler.idempotency_keys WHERE key = $1 AND job_id IS NULL");
        command.Parameters.Add(new() { Value = key });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IdempotencyClaim?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT request_hash, job_id FROM scheduler.idempotency_keys WHERE key = $1");
        command.Parameters.Add(new() { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new(Claimed: false, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1))
            : null;
    }
}

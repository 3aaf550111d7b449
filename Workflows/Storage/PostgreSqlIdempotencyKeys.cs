using Npgsql;
using NpgsqlTypes;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Idempotency keys in <c>scheduler.idempotency_keys</c>: the primary key makes the claim race-safe across
/// requests and nodes (the second insert of a key finds the first). The table is created with the job records
/// (<see cref="PostgreSqlJobRunStore"/>), which complete a key in the same statement as its job's record and purge
/// it with that record. Ages are measured with the database's clock, so that nodes whose clocks differ agree on when
/// a claim may be taken over.
/// </summary>
public sealed class PostgreSqlIdempotencyKeys(NpgsqlDataSource dataSource) : IIdempotencyKeys
{
    public async Task<IdempotencyClaim> ClaimAsync(string key, string requestHash, CancellationToken cancellationToken)
    {
        // Two requests taking over one stale claim at once: the second waits for the first one's row lock and then
        // sees a claim of age zero, which it does not take.
        var token = Guid.NewGuid();
        await using var claim = dataSource.CreateCommand("""
            INSERT INTO scheduler.idempotency_keys AS held (key, request_hash, claim) VALUES ($1, $2, $3)
            ON CONFLICT (key) DO UPDATE SET request_hash = EXCLUDED.request_hash, claim = EXCLUDED.claim, created_at = now()
                WHERE held.job_id IS NULL AND held.created_at < now() - $4
            RETURNING claim
            """);
        claim.Parameters.Add(new() { Value = key });
        claim.Parameters.Add(new() { Value = requestHash });
        claim.Parameters.Add(new() { Value = token });
        claim.Parameters.Add(new() { Value = IdempotencyClaim.PendingLimit, NpgsqlDbType = NpgsqlDbType.Interval });
        if (await claim.ExecuteScalarAsync(cancellationToken) is Guid)
        {
            return new(Claimed: true, requestHash, null) { Token = token };
        }

        // Released between the insert and this read: the caller sees a claim in progress and asks again.
        return await FindAsync(key, cancellationToken) ?? new(Claimed: false, requestHash, null);
    }

    public async Task ReleaseAsync(string key, Guid token, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("DELETE FROM scheduler.idempotency_keys WHERE key = $1 AND claim = $2 AND job_id IS NULL");
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = token });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<IdempotencyClaim?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT request_hash, job_id, now() - created_at FROM scheduler.idempotency_keys WHERE key = $1");
        command.Parameters.Add(new() { Value = key });
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new(Claimed: false, reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)) { Age = reader.GetFieldValue<TimeSpan>(2) }
            : null;
    }
}

using Npgsql;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// Secret values in <c>scheduler.secret_values</c>, readable by the worker on any node. They are kept as long as the
/// job records that refer to them, because a retry runs with the same values.
/// </summary>
public sealed class PostgreSqlSecretValues(NpgsqlDataSource dataSource) : ISecretValues
{
    public async Task<string> KeepAsync(string value, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        await using var command = dataSource.CreateCommand("INSERT INTO scheduler.secret_values (id, value) VALUES ($1, $2)");
        command.Parameters.Add(new() { Value = id });
        command.Parameters.Add(new() { Value = value });
        await command.ExecuteNonQueryAsync(cancellationToken);
        return SecretReference.For(id);
    }

    public async Task<string?> RevealAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT value FROM scheduler.secret_values WHERE id = $1");
        command.Parameters.Add(new() { Value = id });
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }
}

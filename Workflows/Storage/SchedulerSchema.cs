using Npgsql;

namespace Scheduler.Workflows.Storage;

/// <summary>Creates the service's own tables (schema <c>scheduler</c>, next to Hangfire's) when they are missing.</summary>
public static class SchedulerSchema
{
    // Several nodes may start at once; one advisory lock for every table of the service keeps their
    // CREATE ... IF NOT EXISTS statements from racing each other.
    private const string Prologue = """
        SELECT pg_advisory_xact_lock(7461626173);
        CREATE SCHEMA IF NOT EXISTS scheduler;

        """;

    /// <summary>Runs <paramref name="statements"/> (idempotent DDL) in one transaction under the schema lock.</summary>
    public static async Task ApplyAsync(NpgsqlDataSource dataSource, string statements, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Prologue + statements, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }
}

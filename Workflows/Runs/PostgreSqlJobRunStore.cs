using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using Scheduler.Workflows.Binding;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// Job records in the service's own tables (schema <c>scheduler</c>), next to Hangfire's, so that step details
/// outlive Hangfire's expiry of finished jobs and every node sees the same records.
/// </summary>
public sealed class PostgreSqlJobRunStore(NpgsqlDataSource dataSource) : IJobRunStore
{
    // Several nodes may start at once; the advisory lock keeps their CREATE ... IF NOT EXISTS from racing.
    private const string Schema = """
        SELECT pg_advisory_xact_lock(7461626173);
        CREATE SCHEMA IF NOT EXISTS scheduler;
        CREATE TABLE IF NOT EXISTS scheduler.job_runs (
            job_id      text PRIMARY KEY,
            workflow    text NOT NULL,
            status      text NOT NULL,
            created_at  timestamptz NOT NULL,
            started_at  timestamptz,
            finished_at timestamptz,
            parameters  jsonb NOT NULL,
            error       text);
        CREATE INDEX IF NOT EXISTS job_runs_created_at ON scheduler.job_runs (created_at);
        CREATE TABLE IF NOT EXISTS scheduler.job_steps (
            job_id      text NOT NULL REFERENCES scheduler.job_runs ON DELETE CASCADE,
            position    integer NOT NULL,
            name        text NOT NULL,
            type        text NOT NULL,
            status      text NOT NULL,
            started_at  timestamptz,
            finished_at timestamptz,
            outputs     jsonb NOT NULL,
            error       text,
            PRIMARY KEY (job_id, position));
        """;

    public async Task EnsureSchemaAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var command = new NpgsqlCommand(Schema, connection, transaction))
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task CreateAsync(JobRun run, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO scheduler.job_runs (job_id, workflow, status, created_at, parameters)
            VALUES ($1, $2, $3, $4, $5) ON CONFLICT (job_id) DO NOTHING
            """);
        AddRunParameters(command, run);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task StartAsync(JobRun run, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var upsert = new NpgsqlCommand(
            """
            INSERT INTO scheduler.job_runs (job_id, workflow, status, created_at, parameters, started_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT (job_id) DO UPDATE SET status = EXCLUDED.status, started_at = EXCLUDED.started_at,
                finished_at = NULL, error = NULL;
            """,
            connection,
            transaction))
        {
            AddRunParameters(upsert, run);
            upsert.Parameters.Add(new() { Value = (object?)run.StartedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await upsert.ExecuteNonQueryAsync(cancellationToken);
        }

        // A job delivered again (a worker died) starts its steps afresh.
        await using (var clear = new NpgsqlCommand("DELETE FROM scheduler.job_steps WHERE job_id = $1", connection, transaction))
        {
            clear.Parameters.Add(new() { Value = run.JobId });
            await clear.ExecuteNonQueryAsync(cancellationToken);
        }

        for (var position = 0; position < run.Steps.Count; position++)
        {
            await using var insert = StepUpsert(run.JobId, position, run.Steps[position]);
            insert.Connection = connection;
            insert.Transaction = transaction;
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    public async Task SaveStepAsync(string jobId, int position, StepRun step, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var command = StepUpsert(jobId, position, step);
        command.Connection = connection;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishAsync(string jobId, RunStatus status, DateTimeOffset finishedAt, string? error, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "UPDATE scheduler.job_runs SET status = $2, finished_at = $3, error = $4 WHERE job_id = $1");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = status.ToString() });
        command.Parameters.Add(new() { Value = finishedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<JobRun?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        JobRun run;
        await using (var command = new NpgsqlCommand(
            "SELECT workflow, status, created_at, started_at, finished_at, parameters::text, error FROM scheduler.job_runs WHERE job_id = $1",
            connection))
        {
            command.Parameters.Add(new() { Value = jobId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            run = new(
                jobId,
                reader.GetString(0),
                Enum.Parse<RunStatus>(reader.GetString(1)),
                reader.GetFieldValue<DateTimeOffset>(2),
                reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                JsonSerializer.Deserialize(reader.GetString(5), RunJsonContext.Default.IReadOnlyListParameterAssignment) ?? [],
                reader.IsDBNull(6) ? null : reader.GetString(6),
                []);
        }

        var steps = new List<StepRun>();
        await using (var command = new NpgsqlCommand(
            "SELECT name, type, status, started_at, finished_at, outputs::text, error FROM scheduler.job_steps WHERE job_id = $1 ORDER BY position",
            connection))
        {
            command.Parameters.Add(new() { Value = jobId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                steps.Add(new(
                    reader.GetString(0),
                    reader.GetString(1),
                    Enum.Parse<StepStatus>(reader.GetString(2)),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3),
                    reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
                    ReadOutputs(reader.GetString(5)),
                    reader.IsDBNull(6) ? null : reader.GetString(6)));
            }
        }

        return run with { Steps = steps };
    }

    private static void AddRunParameters(NpgsqlCommand command, JobRun run)
    {
        command.Parameters.Add(new() { Value = run.JobId });
        command.Parameters.Add(new() { Value = run.Workflow });
        command.Parameters.Add(new() { Value = run.Status.ToString() });
        command.Parameters.Add(new() { Value = run.CreatedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new()
        {
            Value = JsonSerializer.Serialize(run.Parameters, RunJsonContext.Default.IReadOnlyListParameterAssignment),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
    }

    private static NpgsqlCommand StepUpsert(string jobId, int position, StepRun step)
    {
        var command = new NpgsqlCommand("""
            INSERT INTO scheduler.job_steps (job_id, position, name, type, status, started_at, finished_at, outputs, error)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            ON CONFLICT (job_id, position) DO UPDATE SET status = EXCLUDED.status, started_at = EXCLUDED.started_at,
                finished_at = EXCLUDED.finished_at, outputs = EXCLUDED.outputs, error = EXCLUDED.error
            """);
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = position });
        command.Parameters.Add(new() { Value = step.Name });
        command.Parameters.Add(new() { Value = step.Type });
        command.Parameters.Add(new() { Value = step.Status.ToString() });
        command.Parameters.Add(new() { Value = (object?)step.StartedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)step.FinishedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = JsonSerializer.Serialize(step.Outputs, RunJsonContext.Default.IReadOnlyDictionaryStringObject), NpgsqlDbType = NpgsqlDbType.Jsonb });
        command.Parameters.Add(new() { Value = (object?)step.Error ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        return command;
    }

    private static Dictionary<string, object?> ReadOutputs(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.EnumerateObject().ToDictionary(
            p => p.Name,
            p => (object?)(p.Value.ValueKind switch
            {
                JsonValueKind.Null => null,
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.True => true,
                JsonValueKind.False => false,
                JsonValueKind.Number when p.Value.TryGetInt64(out var whole) => whole,
                JsonValueKind.Number => p.Value.GetDecimal(),
                _ => p.Value.GetRawText(),
            }));
    }
}

using System.Text.Json;
using Npgsql;
using Scheduler.Dataflows.Destinations;
using NpgsqlTypes;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Binding;

namespace Scheduler.Workflows.Storage;

/// <summary>
/// Job records in the service's own tables (schema <c>scheduler</c>), next to Hangfire's, so that step details
/// outlive Hangfire's expiry of finished jobs and every node sees the same records.
/// </summary>
public sealed class PostgreSqlJobRunStore(NpgsqlDataSource dataSource) : IJobRunStore
{
    private const string Schema = """
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
        ALTER TABLE scheduler.job_runs ADD COLUMN IF NOT EXISTS workflow_version integer;
        ALTER TABLE scheduler.job_runs ADD COLUMN IF NOT EXISTS retry_of text;
        ALTER TABLE scheduler.job_runs ADD COLUMN IF NOT EXISTS outputs jsonb;
        CREATE INDEX IF NOT EXISTS job_runs_workflow ON scheduler.job_runs (lower(workflow), created_at);
        CREATE INDEX IF NOT EXISTS job_runs_finished_at ON scheduler.job_runs (finished_at);
        CREATE INDEX IF NOT EXISTS job_runs_open ON scheduler.job_runs (created_at) WHERE finished_at IS NULL;
        CREATE TABLE IF NOT EXISTS scheduler.job_log (
            id          bigserial PRIMARY KEY,
            job_id      text NOT NULL,
            at          timestamptz NOT NULL,
            step        text,
            level       text NOT NULL,
            message     text NOT NULL);
        CREATE INDEX IF NOT EXISTS job_log_job_id ON scheduler.job_log (job_id, id);
        CREATE TABLE IF NOT EXISTS scheduler.idempotency_keys (
            key          text PRIMARY KEY,
            request_hash text NOT NULL,
            job_id       text,
            created_at   timestamptz NOT NULL DEFAULT now());
        ALTER TABLE scheduler.idempotency_keys ADD COLUMN IF NOT EXISTS claim uuid;
        CREATE INDEX IF NOT EXISTS idempotency_keys_job_id ON scheduler.idempotency_keys (job_id);
        CREATE TABLE IF NOT EXISTS scheduler.secret_values (
            id          uuid PRIMARY KEY,
            value       text NOT NULL,
            created_at  timestamptz NOT NULL DEFAULT now());
        ALTER TABLE scheduler.secret_values ALTER COLUMN value DROP NOT NULL;
        ALTER TABLE scheduler.secret_values ADD COLUMN IF NOT EXISTS protected bytea;
        ALTER TABLE scheduler.secret_values ADD COLUMN IF NOT EXISTS owner text;
        ALTER TABLE scheduler.secret_values ADD COLUMN IF NOT EXISTS released_at timestamptz;
        CREATE INDEX IF NOT EXISTS secret_values_owner ON scheduler.secret_values (owner);
        """;

    private const string StepUpsertSql = """
        INSERT INTO scheduler.job_steps (job_id, position, name, type, status, started_at, finished_at, outputs, error)
        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
        ON CONFLICT (job_id, position) DO UPDATE SET status = EXCLUDED.status, started_at = EXCLUDED.started_at,
            finished_at = EXCLUDED.finished_at, outputs = EXCLUDED.outputs, error = EXCLUDED.error
        """;

    private const string RunColumns = "job_id, workflow, status, created_at, started_at, finished_at, parameters::text, error, workflow_version, retry_of, outputs::text";

    public Task EnsureSchemaAsync(CancellationToken cancellationToken) => SchedulerSchema.ApplyAsync(dataSource, Schema, cancellationToken);

    public async Task CreateAsync(JobRun run, CancellationToken cancellationToken)
    {
        await using var command = CreationCommand(run);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Create(JobRun run)
    {
        using var command = CreationCommand(run);
        command.ExecuteNonQuery();
    }

    public bool CreateClaimed(JobRun run, string key, Guid token)
    {
        // One statement, so that the record and its key are written together or not at all. The claim row's lock
        // orders this against a request taking the claim over: whichever comes second finds the claim no longer free.
        using var command = dataSource.CreateCommand("""
            WITH completed AS (
                UPDATE scheduler.idempotency_keys SET job_id = $1
                WHERE key = $8 AND claim = $9 AND (job_id IS NULL OR job_id = $1)
                RETURNING key),
            recorded AS (
                INSERT INTO scheduler.job_runs (job_id, workflow, status, created_at, parameters, workflow_version, retry_of)
                SELECT $1, $2, $3, $4, $5, $6, $7 WHERE EXISTS (SELECT FROM completed)
                ON CONFLICT (job_id) DO NOTHING)
            SELECT EXISTS (SELECT FROM completed)
            """);
        AddCreationParameters(command.Parameters, run);
        command.Parameters.Add(new() { Value = key });
        command.Parameters.Add(new() { Value = token });
        return command.ExecuteScalar() is true;
    }

    public async Task<bool> StartAsync(JobRun run, CancellationToken cancellationToken)
    {
        // One round trip on the path from the queue to the first step: a batch is one implicit transaction.
        await using var batch = dataSource.CreateBatch();
        var upsert = new NpgsqlBatchCommand("""
            WITH before AS (SELECT started_at FROM scheduler.job_runs WHERE job_id = $1)
            INSERT INTO scheduler.job_runs (job_id, workflow, status, created_at, parameters, started_at, workflow_version)
            VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (job_id) DO UPDATE SET started_at = EXCLUDED.started_at,
                status = CASE WHEN job_runs.status = 'Cancelling' THEN job_runs.status ELSE EXCLUDED.status END,
                finished_at = NULL, error = NULL,
                workflow_version = coalesce(EXCLUDED.workflow_version, job_runs.workflow_version)
            RETURNING (SELECT started_at IS NOT NULL FROM before)
            """);
        AddRunParameters(upsert.Parameters, run);
        upsert.Parameters.Add(new() { Value = (object?)run.StartedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        upsert.Parameters.Add(new() { Value = (object?)run.WorkflowVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        batch.BatchCommands.Add(upsert);

        // A cancel that came while the worker was still getting ready is kept. A job delivered again (a worker died)
        // starts its steps afresh.
        var clear = new NpgsqlBatchCommand("DELETE FROM scheduler.job_steps WHERE job_id = $1");
        clear.Parameters.Add(new() { Value = run.JobId });
        batch.BatchCommands.Add(clear);
        for (var position = 0; position < run.Steps.Count; position++)
        {
            var insert = new NpgsqlBatchCommand(StepUpsertSql);
            AddStepParameters(insert.Parameters, run.JobId, position, run.Steps[position]);
            batch.BatchCommands.Add(insert);
        }

        // The first result is the upsert's: whether an earlier delivery of the job had started it.
        return await batch.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task SaveStepAsync(string jobId, int position, StepRun step, IReadOnlyList<JobLogLine> logLines, CancellationToken cancellationToken)
    {
        // A batch is one implicit transaction: the step and its lines are written together, or neither is.
        await using var batch = dataSource.CreateBatch();
        var upsert = new NpgsqlBatchCommand(StepUpsertSql);
        AddStepParameters(upsert.Parameters, jobId, position, step);
        batch.BatchCommands.Add(upsert);
        PostgreSqlJobLog.AddAppend(batch, jobId, logLines);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task FinishAsync(
        string jobId, RunStatus status, DateTimeOffset finishedAt, string? error, IReadOnlyDictionary<string, object?>? outputs, IReadOnlyList<JobLogLine> logLines,
        CancellationToken cancellationToken)
    {
        await using var batch = dataSource.CreateBatch();
        var finish = new NpgsqlBatchCommand(
            "UPDATE scheduler.job_runs SET status = $2, finished_at = $3, error = $4, outputs = coalesce($5, outputs) WHERE job_id = $1");
        finish.Parameters.Add(new() { Value = jobId });
        finish.Parameters.Add(new() { Value = status.ToString() });
        finish.Parameters.Add(new() { Value = finishedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        finish.Parameters.Add(new() { Value = StorableOrNull(error), NpgsqlDbType = NpgsqlDbType.Text });
        finish.Parameters.Add(new()
        {
            Value = outputs is null ? DBNull.Value : OutputsJson(outputs),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
        batch.BatchCommands.Add(finish);
        PostgreSqlJobLog.AddAppend(batch, jobId, logLines);
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<bool> MarkCancellingAsync(string jobId, CancellationToken cancellationToken)
    {
        // The engine's finish sets finished_at: a job that ended meanwhile keeps the status it ended with.
        await using var command = dataSource.CreateCommand(
            "UPDATE scheduler.job_runs SET status = $2 WHERE job_id = $1 AND finished_at IS NULL");
        command.Parameters.Add(new() { Value = jobId });
        command.Parameters.Add(new() { Value = nameof(RunStatus.Cancelling) });
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    public async Task<bool> EndIfOpenAsync(string jobId, RunStatus status, DateTimeOffset finishedAt, string error, CancellationToken cancellationToken)
    {
        await using var command = EndIfOpenCommand(jobId, status, finishedAt, error);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))! > 0;
    }

    public bool EndIfOpen(string jobId, RunStatus status, DateTimeOffset finishedAt, string error)
    {
        using var command = EndIfOpenCommand(jobId, status, finishedAt, error);
        return (long)command.ExecuteScalar()! > 0;
    }

    public async Task<IReadOnlyList<JobRun>> ListOpenAsync(DateTimeOffset createdBefore, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            $"SELECT {RunColumns} FROM scheduler.job_runs WHERE finished_at IS NULL AND created_at < $1 ORDER BY created_at LIMIT $2");
        command.Parameters.Add(new() { Value = createdBefore.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = limit });
        var runs = new List<JobRun>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return runs;
    }

    public async Task<JobRun?> FindAsync(string jobId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        JobRun run;
        await using (var command = new NpgsqlCommand($"SELECT {RunColumns} FROM scheduler.job_runs WHERE job_id = $1", connection))
        {
            command.Parameters.Add(new() { Value = jobId });
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            run = ReadRun(reader);
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

    public async Task<IReadOnlyList<string>> PurgeAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        // Their steps go with them (ON DELETE CASCADE), and so do their idempotency keys, and the claims that a dead
        // request left without a job and that nobody took over since.
        await using var command = dataSource.CreateCommand("""
            WITH purged AS (DELETE FROM scheduler.job_runs WHERE finished_at < $1 AND status = ANY($2) RETURNING job_id),
            forgotten AS (DELETE FROM scheduler.idempotency_keys WHERE job_id IN (SELECT job_id FROM purged) OR (job_id IS NULL AND created_at < $1))
            SELECT job_id FROM purged
            """);
        command.Parameters.Add(new() { Value = endedBefore.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new()
        {
            Value = new[] { nameof(RunStatus.Completed), nameof(RunStatus.Failed), nameof(RunStatus.Cancelled) },
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.Text,
        });
        var purged = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            purged.Add(reader.GetString(0));
        }

        return purged;
    }

    public async Task<JobRunPage> ListAsync(JobRunQuery query, CancellationToken cancellationToken)
    {
        const string Filter = """
            WHERE ($1::text IS NULL OR status = $1) AND ($2::text IS NULL OR lower(workflow) = lower($2))
              AND ($3::timestamptz IS NULL OR created_at >= $3) AND ($4::timestamptz IS NULL OR created_at < $4)
            """;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        long total;
        await using (var count = new NpgsqlCommand($"SELECT count(*) FROM scheduler.job_runs {Filter}", connection))
        {
            AddFilter(count, query);
            total = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
        }

        // Job ids are Hangfire's bigint sequence as text: by length, then text, is by number.
        await using var page = new NpgsqlCommand(
            $"SELECT {RunColumns} FROM scheduler.job_runs {Filter} ORDER BY created_at DESC, length(job_id) DESC, job_id DESC LIMIT $5 OFFSET $6",
            connection);
        AddFilter(page, query);
        page.Parameters.Add(new() { Value = query.Limit });
        page.Parameters.Add(new() { Value = query.Offset });
        var runs = new List<JobRun>();
        await using var reader = await page.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            runs.Add(ReadRun(reader));
        }

        return new(runs, total);
    }

    private static void AddFilter(NpgsqlCommand command, JobRunQuery query)
    {
        command.Parameters.Add(new() { Value = (object?)query.Status?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.Workflow ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.Parameters.Add(new() { Value = (object?)query.CreatedFrom?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        command.Parameters.Add(new() { Value = (object?)query.CreatedTo?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
    }

    private static JobRun ReadRun(NpgsqlDataReader reader) =>
        new(
            reader.GetString(0),
            reader.GetString(1),
            Enum.Parse<RunStatus>(reader.GetString(2)),
            reader.GetFieldValue<DateTimeOffset>(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5),
            JsonSerializer.Deserialize(reader.GetString(6), RunJsonContext.Default.IReadOnlyListParameterAssignment) ?? [],
            reader.IsDBNull(7) ? null : reader.GetString(7),
            [])
        {
            WorkflowVersion = reader.IsDBNull(8) ? null : reader.GetInt32(8),
            RetryOf = reader.IsDBNull(9) ? null : reader.GetString(9),
            Outputs = reader.IsDBNull(10) ? new Dictionary<string, object?>() : ReadOutputs(reader.GetString(10)),
        };

    private NpgsqlCommand EndIfOpenCommand(string jobId, RunStatus status, DateTimeOffset finishedAt, string error)
    {
        var command = dataSource.CreateCommand();
        var ended = EndIfOpenUpdate(jobId, status, finishedAt, error, command.Placeholder);
        var stepEnd = command.Placeholder(new() { Value = (object?)InMemoryJobRunStore.StepEnd(status)?.ToString() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
        command.CommandText = $"""
            WITH ended AS ({ended}),
            steps AS (
                UPDATE scheduler.job_steps s SET status = {stepEnd}, finished_at = ended.finished_at, error = coalesce(s.error, ended.error)
                FROM ended WHERE s.job_id = ended.job_id AND s.status = 'Running' AND {stepEnd} IS NOT NULL)
            SELECT count(*) FROM ended
            """;
        return command;
    }

    /// <summary>
    /// The update that ends <paramref name="jobId"/>'s record if it is still open, leaving its steps as they are (what
    /// a job's success needs), for a statement of the caller's in the same database: each value goes through
    /// <paramref name="parameter"/>, which adds it to that statement and returns its placeholder.
    /// </summary>
    public static string EndIfOpenUpdate(string jobId, RunStatus status, DateTimeOffset finishedAt, string error, Func<NpgsqlParameter, string> parameter) => $"""
        UPDATE scheduler.job_runs SET status = {parameter(new() { Value = status.ToString() })},
            finished_at = {parameter(new() { Value = finishedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz })},
            error = {parameter(new() { Value = PostgresText.Storable(error) })}
        WHERE job_id = {parameter(new() { Value = jobId })} AND finished_at IS NULL RETURNING job_id, finished_at, error
        """;

    /// <summary>
    /// The insert that creates <paramref name="run"/>'s record, for a statement of the caller's (in the same database):
    /// each value goes through <paramref name="parameter"/>, which adds it to that statement and returns its placeholder.
    /// </summary>
    public static string CreationInsert(JobRun run, Func<NpgsqlParameter, string> parameter)
    {
        var values = new List<NpgsqlParameter>();
        AddCreationParameters(values, run);
        return $"""
            INSERT INTO scheduler.job_runs (job_id, workflow, status, created_at, parameters, workflow_version, retry_of)
            VALUES ({string.Join(", ", values.Select(parameter))}) ON CONFLICT (job_id) DO NOTHING
            """;
    }

    private NpgsqlCommand CreationCommand(JobRun run)
    {
        var command = dataSource.CreateCommand();
        command.CommandText = CreationInsert(run, command.Placeholder);
        return command;
    }

    /// <summary>The seven values of a record's creation, in order: <see cref="AddRunParameters"/>, the workflow version and the job retried.</summary>
    private static void AddCreationParameters(ICollection<NpgsqlParameter> parameters, JobRun run)
    {
        AddRunParameters(parameters, run);
        parameters.Add(new() { Value = (object?)run.WorkflowVersion ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Integer });
        parameters.Add(new() { Value = (object?)run.RetryOf ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Text });
    }

    private static void AddRunParameters(ICollection<NpgsqlParameter> parameters, JobRun run)
    {
        parameters.Add(new() { Value = run.JobId });
        parameters.Add(new() { Value = run.Workflow });
        parameters.Add(new() { Value = run.Status.ToString() });
        parameters.Add(new() { Value = run.CreatedAt.ToUniversalTime(), NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new()
        {
            Value = JsonSerializer.Serialize(run.Parameters, RunJsonContext.Default.IReadOnlyListParameterAssignment),
            NpgsqlDbType = NpgsqlDbType.Jsonb,
        });
    }

    private static void AddStepParameters(NpgsqlParameterCollection parameters, string jobId, int position, StepRun step)
    {
        parameters.Add(new() { Value = jobId });
        parameters.Add(new() { Value = position });
        parameters.Add(new() { Value = step.Name });
        parameters.Add(new() { Value = step.Type });
        parameters.Add(new() { Value = step.Status.ToString() });
        parameters.Add(new() { Value = (object?)step.StartedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new() { Value = (object?)step.FinishedAt?.ToUniversalTime() ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
        parameters.Add(new() { Value = OutputsJson(step.Outputs), NpgsqlDbType = NpgsqlDbType.Jsonb });
        parameters.Add(new() { Value = StorableOrNull(step.Error), NpgsqlDbType = NpgsqlDbType.Text });
    }

    // An error may quote a hostile input (a field's text in a rejection's reason): it is written all the same.
    private static object StorableOrNull(string? text) => text is null ? DBNull.Value : PostgresText.Storable(text);

    // An output may be a hostile input's text too (a name a file server listed), and jsonb refuses what text refuses.
    private static string OutputsJson(IReadOnlyDictionary<string, object?> outputs) => JsonSerializer.Serialize(
        outputs.Values.Any(v => !IsStorable(v)) ? outputs.ToDictionary(o => o.Key, o => Storable(o.Value)) : outputs,
        RunJsonContext.Default.IReadOnlyDictionaryStringObject);

    private static bool IsStorable(object? value) => value switch
    {
        string text => PostgresText.FirstUnstorable(text) < 0,
        IEnumerable<string> texts => texts.All(t => PostgresText.FirstUnstorable(t) < 0),
        _ => true,
    };

    private static object? Storable(object? value) => value switch
    {
        string text => PostgresText.Storable(text),
        IEnumerable<string> texts => texts.Select(PostgresText.Storable).ToList(),
        _ => value,
    };

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
                JsonValueKind.Array when p.Value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.String) =>
                    p.Value.EnumerateArray().Select(e => e.GetString()!).ToList(),
                _ => p.Value.GetRawText(),
            }));
    }
}

using System.Globalization;
using Npgsql;
using Scheduler.Dataflows;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Runs a SQL script on a PostgreSql connection, in one transaction unless told otherwise. The script is part of the
/// definition (inline, or a .sql file of the definitions folder) and values reach it only as bound parameters, so
/// whoever may start a job can never change what SQL runs.
/// </summary>
public sealed class RunSqlTask(ConnectionCatalog connections, DefinitionsLocation definitions) : IWorkflowTask
{
    private const string Connection = "connection", Sql = "sql", File = "file", Transaction = "transaction", Parameters = "parameters";

    public string Type => "RunSql";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new(Connection, ScalarType.String, Required: true, "The name of a PostgreSql connection under Connections: in the configuration")
        {
            ConnectionTypes = [ConnectionCatalog.PostgreSql],
            Fixed = true,
        },
        new(Sql, ScalarType.String, Required: false, "The SQL script, written as it is (no ${...}); values come in as @name parameters") { Fixed = true },
        new(File, ScalarType.String, Required: false, "Instead of sql: a .sql file, relative to the definitions folder and inside it") { Fixed = true },
        new(Transaction, ScalarType.Bool, Required: false, "false opens no transaction, for a statement that cannot run in one (VACUUM) or a script with its own BEGIN/COMMIT (default true: the whole script commits or nothing does)") { Fixed = true },
        new(Parameters, ScalarType.String, Required: false, "The query parameters, as name:type items separated by commas; each name is an input of the task") { Fixed = true },
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("rowsAffected", ScalarType.Int, "Rows inserted, updated, deleted or merged by the whole script"),
        new("firstValue", ScalarType.Decimal, "When the last result has rows and its first value is a number: that number"),
        new("firstText", ScalarType.String, "When the last result has rows: its first value as text"),
        new("rows", ScalarType.StringList, $"The rows of the last result, each a JSON object; at most {SqlResultRows.MaxRows} rows and {SqlResultRows.MaxChars} characters"),
        new("rowsTruncated", ScalarType.Bool, "Whether the last result had more rows than rows holds"),
    ];

    public IReadOnlyList<TaskInput> InputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) =>
        [.. Inputs, .. Declared(literalInputs).Inputs];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        var hasSql = literalInputs.ContainsKey(Sql);
        if (hasSql == literalInputs.ContainsKey(File))
        {
            yield return "give the script either as 'sql' or as 'file', one of them";
        }
        else if (!hasSql && FileProblem(literalInputs[File]) is { } problem)
        {
            yield return problem;
        }

        foreach (var declared in Declared(literalInputs).Problems)
        {
            yield return declared;
        }
    }

    public IEnumerable<string> ValidateInWorkflow(TaskValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // What runs must be known when the definition is saved: SQL made from a variable is SQL chosen by whoever starts the job.
        foreach (var input in new[] { Sql, File, Parameters }.Where(i => context.Task.Inputs.ContainsKey(i) && !context.LiteralInputs.ContainsKey(i)))
        {
            yield return $"write the input '{input}' as it is, not with ${{...}}: values go in as parameters";
        }

        foreach (var parameter in Declared(context.LiteralInputs).Inputs.Where(p => !context.Task.Inputs.ContainsKey(p.Name)))
        {
            yield return $"the parameter '{parameter.Name}' needs an input of that name giving its value";
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var script = context.GetOptionalString(Sql) ?? await ReadFileAsync(context.GetOptionalString(File), cancellationToken);
        string connectionString;
        try
        {
            connectionString = connections.GetPostgreSqlConnectionString(context.GetString(Connection));
        }
        catch (DataflowException e)
        {
            throw new TaskFailedException(e.Message, e);
        }

        var parameters = Declared(context.Inputs.Where(i => i.Key.Equals(Parameters, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(i => i.Key, i => Convert.ToString(i.Value, CultureInfo.InvariantCulture) ?? "")).Inputs;
        var inTransaction = context.Inputs.GetValueOrDefault(Transaction) is not false;
        var masked = new SecretRedactor();
        foreach (var parameter in parameters)
        {
            masked.Add(context.Inputs.GetValueOrDefault(parameter.Name) is string { Length: >= 4 } text ? text : null);
        }

        try
        {
            return await RunScriptAsync(connectionString, script, parameters, inTransaction, context, cancellationToken);
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.QueryCanceled && !cancellationToken.IsCancellationRequested)
        {
            throw new TaskFailedException($"timed out after {Seconds(context.Timeout)} (statement_timeout){RolledBack(inTransaction)}", e);
        }
        catch (NpgsqlException e) when (e.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            throw new TaskFailedException($"timed out after {Seconds(context.Timeout)} waiting for PostgreSQL{RolledBack(inTransaction)}", e);
        }
        catch (PostgresException e)
        {
            var where = e.Position > 0 ? $" at character {e.Position}" : "";
            throw new TaskFailedException(masked.Mask($"the SQL failed{where}: {e.SqlState}: {e.MessageText}{RolledBack(inTransaction)}"), e);
        }
        catch (NpgsqlException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TaskFailedException(masked.Mask($"the SQL could not run: {e.Message}{RolledBack(inTransaction)}"), e);
        }
    }

    private static async Task<IReadOnlyDictionary<string, object?>> RunScriptAsync(
        string connectionString, string script, IReadOnlyList<TaskInput> parameters, bool inTransaction, TaskRunContext context, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        if (context.Timeout is { } limit)
        {
            // The server stops a statement itself at the task's timeout, even if this worker is gone by then. The
            // setting lives as long as the session; the pool resets it (DISCARD ALL) before the next user.
            await using var setting = new NpgsqlCommand("SELECT set_config('statement_timeout', @ms, false)", connection);
            setting.Parameters.AddWithValue("ms", ((long)Math.Ceiling(limit.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture));
            await setting.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var transaction = inTransaction ? await connection.BeginTransactionAsync(cancellationToken) : null;
        await using var command = new NpgsqlCommand(script, connection, transaction)
        {
            // Npgsql's default of 30 s would cut every long script short; without a task timeout, the job's own
            // timeout and its cancel stop the script through the token.
            CommandTimeout = context.Timeout is { } timeout ? (int)Math.Min(int.MaxValue, Math.Ceiling(timeout.TotalSeconds)) : 0,
        };
        foreach (var parameter in parameters)
        {
            command.Parameters.AddWithValue(parameter.Name, ParameterValue(context.Inputs.GetValueOrDefault(parameter.Name)));
        }

        SqlResultRows? last = null;
        long affected;

        // The token reaches the reader: when it fires, Npgsql sends PostgreSQL a cancel request for the running statement.
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            do
            {
                last = reader.FieldCount > 0 ? await SqlResultRows.ReadAsync(reader, cancellationToken) : last;
            }
            while (await reader.NextResultAsync(cancellationToken));
            affected = Math.Max(0, reader.RecordsAffected);
        }

        if (transaction is not null)
        {
            await transaction.CommitAsync(cancellationToken);
        }

        var outputs = new Dictionary<string, object?> { ["rowsAffected"] = affected };
        if (last is not null)
        {
            outputs["rows"] = last.Rows;
            outputs["rowsTruncated"] = last.Truncated;
            outputs["firstValue"] = last.FirstNumber;
            outputs["firstText"] = last.FirstText;
        }

        return outputs;
    }

    private static object ParameterValue(object? value) => value switch
    {
        null => DBNull.Value,
        DateTimeOffset time => time.ToUniversalTime(),
        IReadOnlyList<string> list => list.ToArray(),
        _ => value,
    };

    private static (IReadOnlyList<TaskInput> Inputs, IReadOnlyList<string> Problems) Declared(IReadOnlyDictionary<string, string> inputs) =>
        SqlParameters.Parse(inputs.FirstOrDefault(i => i.Key.Equals(Parameters, StringComparison.OrdinalIgnoreCase)).Value, [Connection, Sql, File, Transaction, Parameters]);

    private async Task<string> ReadFileAsync(string? file, CancellationToken cancellationToken)
    {
        var problem = file is null ? "give the script either as 'sql' or as 'file'" : FileProblem(file);
        return problem is null
            ? await System.IO.File.ReadAllTextAsync(LocalFolder.PathInside(definitions.Path, file!)!, cancellationToken)
            : throw new TaskFailedException(problem);
    }

    /// <summary>
    /// A script file is read from the definitions folder only (symbolic links followed): a definition must not be able
    /// to run, or show through an error, any other file of the worker.
    /// </summary>
    private string? FileProblem(string file) =>
        LocalFolder.PathInside(definitions.Path, file) is not { } path
            ? $"the file '{file}' is outside the definitions folder; give a .sql file relative to it, such as sql/merge-orders.sql"
            : !System.IO.File.Exists(path)
                ? $"the file '{file}' does not exist in the definitions folder"
                : null;

    private static string RolledBack(bool inTransaction) => inTransaction ? "; the transaction was rolled back, nothing of the script was kept" : "";

    private static string Seconds(TimeSpan? timeout) => timeout is { } t ? $"{t.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s" : "the command timeout";
}

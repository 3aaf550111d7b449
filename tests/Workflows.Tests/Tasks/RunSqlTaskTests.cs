using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;
using Scheduler.Workflows.Validation;

namespace Scheduler.Workflows.Tests.Tasks;

public sealed class RunSqlTaskTests : IAsyncLifetime, IDisposable
{
    private const string JobId = "job-1";
    private readonly TempFolder _folder = new();
    private readonly InMemoryJobRunStore _store = new();
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("runsql");
        await ExecuteAsync("""
            CREATE TABLE orders (id int PRIMARY KEY, status text NOT NULL);
            INSERT INTO orders VALUES (1, 'new'), (2, 'new'), (3, 'shipped');
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task Rows_affected_and_the_first_value_let_a_Decision_branch_on_a_count()
    {
        var (result, steps) = await RunAsync("""
            [
              { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "UPDATE orders SET status = 'done' WHERE status = 'new'; SELECT count(*) FROM orders WHERE status = 'done'" } },
              { "name": "Changed", "type": "Decision", "dependsOn": ["RunSql1"], "inputs": { "expression": "RunSql1.firstValue > 1" } }
            ]
            """);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["RunSql1"].Outputs["rowsAffected"].Should().Be(2L);
        steps["RunSql1"].Outputs["firstValue"].Should().Be(2m);
        steps["RunSql1"].Outputs["rows"].Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().Equal("""{"count":2}""");
        steps["Changed"].Outputs[DecisionTask.Result].Should().Be(true);
    }

    [Fact]
    public async Task Parameter_values_are_bound_so_an_injection_attempt_is_only_a_value()
    {
        var (result, steps) = await RunAsync(
            """
            [ { "name": "RunSql1", "type": "RunSql", "inputs": {
                "connection": "Warehouse", "parameters": "status, id:int", "status": "${Variables.status}", "id": "3",
                "sql": "UPDATE orders SET status = @status WHERE id = @id; SELECT status FROM orders WHERE id = @id" } } ]
            """,
            ("status", "'; DROP TABLE orders; --"));

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["RunSql1"].Outputs["firstText"].Should().Be("'; DROP TABLE orders; --");
        (await ScalarAsync("SELECT count(*) FROM orders")).Should().Be(3L);
    }

    [Fact]
    public async Task An_error_quoting_a_parameter_value_masks_it()
    {
        var (result, steps) = await RunAsync(
            """
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "parameters": "status", "status": "${Variables.status}", "sql": "SELECT @status::int" } } ]
            """,
            ("status", "card-4111"));

        result.Status.Should().Be(RunStatus.Failed);
        steps["RunSql1"].Error.Should().Contain("22P02").And.Contain("***").And.NotContain("card-4111");
    }

    [Fact]
    public async Task A_failing_second_statement_rolls_the_first_back_and_says_so()
    {
        var (result, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "DELETE FROM orders; INSERT INTO orders VALUES (1, NULL)" } } ]
            """);

        result.Status.Should().Be(RunStatus.Failed);
        steps["RunSql1"].Error.Should().Contain("23502").And.Contain("rolled back");
        (await ScalarAsync("SELECT count(*) FROM orders")).Should().Be(3L);
    }

    [Fact]
    public async Task A_function_returning_void_gives_a_null_value_rather_than_failing_the_step()
    {
        var (run, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "SELECT pg_advisory_lock(7), 1 AS n; SELECT pg_advisory_unlock(7), pg_sleep(0) AS slept" } } ]
            """);

        run.Status.Should().Be(RunStatus.Completed, run.Error);
        steps["RunSql1"].Outputs["rows"].Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().Equal("""{"pg_advisory_unlock":true,"slept":null}""");
    }

    [Fact]
    public async Task A_database_shutting_down_under_the_step_is_not_its_failure_but_ends_the_run_to_be_run_again()
    {
        // pg_terminate_backend on its own session is what a restart (pg_ctl restart -m fast) does to every session: 57P01.
        var run = () => RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "SELECT pg_terminate_backend(pg_backend_pid())" } } ]
            """);

        var thrown = (await run.Should().ThrowAsync<Exception>()).Which;
        InfrastructureFailure.IsDatabaseUnavailable(thrown).Should().BeTrue($"the job's retry of the service's own outages takes it: {thrown}");
        (await _store.FindAsync(JobId, CancellationToken.None))!.Steps.Single().Status.Should().Be(StepStatus.Running, "the step runs again when the job does");
    }

    [Fact]
    public async Task Without_a_transaction_a_statement_that_cannot_run_in_one_runs()
    {
        var (inTransaction, _) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "VACUUM orders" } } ]
            """);
        var (alone, _) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "transaction": "false", "sql": "VACUUM orders" } } ]
            """);

        inTransaction.Status.Should().Be(RunStatus.Failed);
        alone.Status.Should().Be(RunStatus.Completed, alone.Error);
    }

    [Fact]
    public async Task The_task_timeout_becomes_the_statement_timeout()
    {
        var (result, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "timeoutSeconds": 5, "inputs": { "connection": "Warehouse", "sql": "SHOW statement_timeout" } } ]
            """);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["RunSql1"].Outputs["firstText"].Should().Be("5s");
    }

    [Fact]
    public async Task The_task_timeout_stops_a_long_statement_and_the_step_fails_as_timed_out()
    {
        var (result, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "timeoutSeconds": 1, "inputs": { "connection": "Warehouse", "sql": "SELECT pg_sleep(30)" } } ]
            """);

        result.Status.Should().Be(RunStatus.Failed);
        steps["RunSql1"].Error.Should().Contain("timed out");
    }

    [Fact]
    public async Task The_statement_timeout_of_a_step_does_not_stay_on_the_pooled_connection()
    {
        var (result, _) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "timeoutSeconds": 5, "inputs": { "connection": "Warehouse", "sql": "SHOW statement_timeout" } } ]
            """);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        (await ScalarAsync("SHOW statement_timeout")).Should().Be("0");
    }

    [Fact]
    public async Task Cancelling_the_job_cancels_the_statement_in_PostgreSQL()
    {
        var workflow = TestTasks.Load("""
            { "name": "w", "tasks": [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "SELECT pg_sleep(30)" } } ] }
            """);
        var engine = new WorkflowEngine(Registry(), TestTasks.Workflows(), _store, TimeProvider.System, NullLogger<WorkflowEngine>.Instance);
        using var cancel = new CancellationTokenSource();
        var run = engine.RunAsync(
            new WorkflowRunRequest(JobId, workflow, [], new BoundParameters(new Dictionary<string, object?>(), new Dictionary<string, IReadOnlyDictionary<string, object?>>()), _folder.Path),
            cancel.Token);
        await Eventually.UntilAsync(async () => await SleepingAsync() > 0, "the statement to be running in PostgreSQL");

        await cancel.CancelAsync();
        var result = await run;

        result.Status.Should().Be(RunStatus.Cancelled);
        (await SleepingAsync()).Should().Be(0, "the server was asked to stop the statement, not left running it");
    }

    [Fact]
    public async Task Rows_are_capped_and_the_cap_is_reported()
    {
        var (result, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "SELECT n FROM generate_series(1, 500) AS n" } } ]
            """);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["RunSql1"].Outputs["rows"].Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().HaveCount(SqlResultRows.MaxRows);
        steps["RunSql1"].Outputs["rowsTruncated"].Should().Be(true);
        steps["RunSql1"].Outputs["firstValue"].Should().Be(1m);
    }

    [Fact]
    public async Task Rows_are_capped_by_size_too()
    {
        var (result, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "sql": "SELECT repeat('x', 10000) AS text FROM generate_series(1, 20)" } } ]
            """);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        var rows = steps["RunSql1"].Outputs["rows"].Should().BeAssignableTo<IReadOnlyList<string>>().Subject;
        rows.Should().HaveCount(6);
        rows.Sum(r => r.Length).Should().BeLessThanOrEqualTo(SqlResultRows.MaxChars);
        steps["RunSql1"].Outputs["rowsTruncated"].Should().Be(true);
    }

    [Fact]
    public async Task A_script_file_of_the_definitions_folder_runs()
    {
        Directory.CreateDirectory(Path.Combine(_folder.Path, "definitions", "sql"));
        await File.WriteAllTextAsync(Path.Combine(_folder.Path, "definitions", "sql", "count.sql"), "SELECT count(*) FROM orders");

        var (result, steps) = await RunAsync("""
            [ { "name": "RunSql1", "type": "RunSql", "inputs": { "connection": "Warehouse", "file": "sql/count.sql" } } ]
            """);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["RunSql1"].Outputs["firstValue"].Should().Be(3m);
    }

    [Fact]
    public async Task The_sample_merge_counts_the_orders_it_inserted_or_changed()
    {
        await ExecuteAsync("""
            DROP TABLE orders;
            CREATE TABLE orders_staging (id int, customer text, email text, amount numeric, created_at timestamptz, country text, active bool, note text);
            INSERT INTO orders_staging VALUES (1, 'a', NULL, 1, '2024-01-01Z', 'DE', true, NULL), (2, 'b', NULL, 2, '2025-01-01Z', 'FR', true, NULL);
            CREATE TABLE orders (LIKE orders_staging);
            INSERT INTO orders VALUES (1, 'a', NULL, 1, '2024-01-01Z', 'DE', true, NULL), (3, 'c', NULL, 3, '2023-01-01Z', 'IT', true, NULL);
            """);
        var samples = Samples();

        var (result, steps) = await RunAsync(
            """
            [ { "name": "Merge", "type": "RunSql", "inputs": {
                "connection": "Warehouse", "file": "sql/merge-orders.sql", "parameters": "since:datetime", "since": "2024-06-01T00:00:00Z" } } ]
            """,
            definitions: samples);

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["Merge"].Outputs["rowsAffected"].Should().Be(1L, "order 2 is new and order 1 did not change");
        steps["Merge"].Outputs["firstValue"].Should().Be(1m, "only order 2 was created after the 'since' parameter");
        (await ScalarAsync("SELECT count(*) FROM orders_staging")).Should().Be(0L);
    }

    [Theory]
    [InlineData("""{ "connection": "Warehouse" }""", "either as 'sql' or as 'file'")]
    [InlineData("""{ "connection": "Warehouse", "sql": "SELECT 1", "file": "a.sql" }""", "either as 'sql' or as 'file'")]
    [InlineData("""{ "connection": "Warehouse", "file": "../secrets.sql" }""", "outside the definitions folder")]
    [InlineData("""{ "connection": "Warehouse", "file": "missing.sql" }""", "does not exist")]
    [InlineData("""{ "connection": "Warehouse", "sql": "${Variables.status}" }""", "not with ${...}")]
    [InlineData("""{ "connection": "Warehouse", "sql": "SELECT @a", "parameters": "a" }""", "needs an input of that name")]
    [InlineData("""{ "connection": "Warehouse", "sql": "SELECT @a", "parameters": "a:money", "a": "1" }""", "unknown type 'money'")]
    [InlineData("""{ "connection": "Files", "sql": "SELECT 1" }""", "Local connection")]
    public void Definitions_with_a_wrong_script_or_connection_are_rejected(string inputs, string problem)
    {
        var workflow = TestTasks.Load($$"""
            { "name": "w", "variables": [ { "name": "status", "type": "string" } ], "tasks": [ { "name": "RunSql1", "type": "RunSql", "inputs": {{inputs}} } ] }
            """);

        var problems = new WorkflowValidator(Registry(), Connections()).Validate(workflow);

        problems.Select(p => p.Message).Should().Contain(m => m.Contains(problem, StringComparison.Ordinal));
    }

    [Fact]
    public void The_connection_and_the_script_can_never_be_overridden_by_a_run_request()
    {
        new RunSqlTask(Connections(), new DefinitionsLocation(_folder.Path)).Inputs
            .Where(i => i.Name is "connection" or "sql" or "file").Should().OnlyContain(i => i.Fixed);
    }

    private static string Samples()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (!Directory.Exists(Path.Combine(folder.FullName, "samples", "sql")))
        {
            folder = folder.Parent!;
        }

        return Path.Combine(folder.FullName, "samples");
    }

    private Task<(WorkflowRunResult Result, Dictionary<string, StepRun> Steps)> RunAsync(string tasks, params (string Name, object? Value)[] variables) =>
        RunAsync(tasks, null, variables);

    private async Task<(WorkflowRunResult Result, Dictionary<string, StepRun> Steps)> RunAsync(
        string tasks, string? definitions, params (string Name, object? Value)[] variables)
    {
        var workflow = TestTasks.Load($$"""{ "name": "w", "variables": [ { "name": "status", "type": "string" } ], "tasks": {{tasks}} }""");
        new WorkflowValidator(Registry(definitions), Connections()).Validate(workflow).Should().BeEmpty();
        var engine = new WorkflowEngine(Registry(definitions), TestTasks.Workflows(), _store, TimeProvider.System, NullLogger<WorkflowEngine>.Instance);
        var parameters = new BoundParameters(
            variables.ToDictionary(v => v.Name, v => v.Value, StringComparer.OrdinalIgnoreCase),
            new Dictionary<string, IReadOnlyDictionary<string, object?>>());
        var result = await engine.RunAsync(new WorkflowRunRequest(JobId, workflow, [], parameters, Path.Combine(_folder.Path, JobId)), CancellationToken.None);
        var run = (await _store.FindAsync(JobId, CancellationToken.None))!;
        return (result, run.Steps.ToDictionary(s => s.Name));
    }

    private TaskRegistry Registry(string? definitions = null) =>
        TestTasks.Registry(new RunSqlTask(Connections(), new DefinitionsLocation(definitions ?? Path.Combine(_folder.Path, "definitions"))), new DecisionTask());

    private ConnectionCatalog Connections() => new(new Dictionary<string, ConnectionSettings>
    {
        ["Warehouse"] = new() { Type = "PostgreSql", ConnectionString = _connectionString },
        ["Files"] = new() { Type = "Local", Path = _folder.Path },
    });

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<long> SleepingAsync() =>
        (long)(await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query = 'SELECT pg_sleep(30)' AND datname = current_database()"))!;

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }
}

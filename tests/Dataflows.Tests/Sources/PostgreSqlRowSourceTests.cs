using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Dataflows.Definitions;
using Scheduler.Testing;

namespace Scheduler.Dataflows.Tests.Sources;

/// <summary>A query on a real PostgreSQL server as a dataflow's source, into each kind of destination.</summary>
public sealed class PostgreSqlRowSourceTests : IAsyncLifetime, IDisposable
{
    private readonly TestFiles _files = new();
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("querysource");
        await ExecuteAsync("""
            CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, amount numeric, big bigint, ratio float8, active bool, day date,
                local_time timestamp, created_at timestamptz, code uuid, qty_text text);
            INSERT INTO orders VALUES
              (1, 'Müller, "Hans"', 12.50, 9000000000, 0.5, true, '2026-03-01', '2026-03-01 10:15:00', '2026-03-01 09:15:00+00', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '3'),
              (2, 'Smith', NULL, NULL, NULL, false, NULL, NULL, NULL, NULL, 'three'),
              (3, 'Dupont', 7, 1, 2, true, '2026-03-03', '2026-03-03 00:00:00', '2026-03-03 00:00:00+00', NULL, '5');
            """);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Without_declared_columns_the_result_columns_and_types_reach_a_csv_file()
    {
        var result = await RunAsync(Query("SELECT id, customer, amount, big, ratio, active, day, local_time, created_at, code FROM orders ORDER BY id"), CsvFile());

        result.Should().Be(new DataflowResult(3, 3, 0, null, Path.Combine(_files.WorkingDirectory, "out.csv")));
        File.ReadAllLines(result.OutputPath!).Should().Equal(
            "id,customer,amount,big,ratio,active,day,local_time,created_at,code",
            "1,\"Müller, \"\"Hans\"\"\",12.50,9000000000,0.5,true,2026-03-01,2026-03-01T10:15:00,2026-03-01T09:15:00+00:00,a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11",
            "2,Smith,,,,false,,,,",
            "3,Dupont,7,1,2,true,2026-03-03,2026-03-03T00:00:00,2026-03-03T00:00:00+00:00,");
    }

    [Fact]
    public async Task Parameters_are_bound_so_an_injection_attempt_is_only_a_value()
    {
        var source = Query("SELECT id, customer FROM orders WHERE customer = @name OR id >= @from ORDER BY id", ("name", ColumnType.String), ("from", ColumnType.Int));

        var result = await RunAsync(source, CsvFile(), ("name", "x' OR 1=1; DROP TABLE orders; --"), ("from", 3L));

        File.ReadAllLines(result.OutputPath!).Should().Equal("id,customer", "3,Dupont");
        (await ScalarAsync("SELECT count(*) FROM orders")).Should().Be(3L);
    }

    [Fact]
    public async Task Declared_columns_are_found_by_name_and_a_value_that_does_not_fit_rejects_its_row()
    {
        var source = Query("SELECT qty_text, id FROM orders ORDER BY id") with
        {
            Columns = [TestFiles.Column("ID", ColumnType.Long, required: true), TestFiles.Column("qty_text", ColumnType.Int)],
        };

        var result = await RunAsync(source, JsonLinesFile(), maxErrors: 1);

        result.RowsRejected.Should().Be(1);
        File.ReadAllLines(result.OutputPath!).Should().Equal("""{"ID":1,"qty_text":3}""", """{"ID":3,"qty_text":5}""");
        File.ReadAllLines(_files.RejectedRowsPath).Should().Equal("line,column,reason,raw", "2,qty_text,'three' is not an int,\"2,three\"");
    }

    [Fact]
    public async Task A_row_typed_in_place_is_rejected_with_its_values_as_read()
    {
        // Every column is read as the type it is declared as, so rows are typed in the array the reading made.
        var source = Query("SELECT id, email, customer FROM (SELECT id, '' AS email, customer FROM orders) AS o ORDER BY id") with
        {
            Columns =
            [
                TestFiles.Column("id", ColumnType.Int),
                new ColumnDefinition { Name = "email", EmptyAsNull = true },
                new ColumnDefinition { Name = "customer", MaxLength = 6 },
            ],
        };

        var result = await RunAsync(source, CsvFile(), maxErrors: 1);

        File.ReadAllLines(result.OutputPath!).Should().Equal("id,email,customer", "2,,Smith", "3,,Dupont");
        File.ReadAllLines(_files.RejectedRowsPath).Should().Equal(
            "line,column,reason,raw",
            """""""""1,customer,"'Müller, ""Hans""' is 14 characters long, longer than maxLength 6","1,,""Müller, """"Hans""""""" """"""""".TrimEnd());
    }

    [Fact]
    public async Task A_rejected_row_shows_a_null_text_as_it_was_read()
    {
        var source = Query("SELECT qty_text, customer FROM orders WHERE id > 1 ORDER BY id") with
        {
            NullValues = ["three"],
            Columns = [new ColumnDefinition { Name = "qty_text" }, new ColumnDefinition { Name = "customer", MaxLength = 4 }],
        };

        await RunAsync(source, CsvFile(), maxErrors: 2);

        // "three", not the null it was typed as.
        File.ReadAllLines(_files.RejectedRowsPath).Should().Equal(
            "line,column,reason,raw",
            "1,customer,\"'Smith' is 5 characters long, longer than maxLength 4\",\"three,Smith\"",
            "2,customer,\"'Dupont' is 6 characters long, longer than maxLength 4\",\"5,Dupont\"");
    }

    [Fact]
    public async Task A_row_rejected_after_a_derive_shows_the_replaced_column_as_it_was_read()
    {
        var source = Query("SELECT customer, id FROM orders WHERE id > 1 ORDER BY id") with
        {
            Columns = [new ColumnDefinition { Name = "customer" }, TestFiles.Column("id", ColumnType.Int)],
        };
        var derived = TestFiles.Definition(source, CsvFile(), maxErrors: 2) with
        {
            Transforms =
            [
                new TransformDefinition { Type = TransformType.Derive, Column = "id", Expression = "id * 100" },
                new TransformDefinition { Type = TransformType.Validate, Rules = [new ValidationRule { Column = "id", Max = 250, Message = "id too large" }] },
            ],
        };

        await new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(derived, null, _files.WorkingDirectory), CancellationToken.None);

        // id 3, not the 300 derived from it.
        File.ReadAllLines(_files.RejectedRowsPath).Should().Equal("line,column,reason,raw", "2,id,id too large,\"Dupont,3\"");
    }

    [Fact]
    public async Task Rows_of_a_query_load_into_a_table_of_another_database()
    {
        var target = await PostgresServer.Shared.CreateDatabaseAsync("querytarget");
        var definition = TestFiles.Definition(
            Query("SELECT id, customer, created_at FROM orders WHERE created_at IS NOT NULL"),
            new DestinationDefinition { Type = DestinationType.PostgreSql, Connection = "Target", Table = "copied", CreateTable = true });
        var runner = new DataflowRunner(new TwoConnections(_connectionString, target), NullLogger<DataflowRunner>.Instance);

        var result = await runner.RunAsync(new DataflowRunRequest(definition, null, _files.WorkingDirectory), CancellationToken.None);

        result.RowsWritten.Should().Be(2);
        await using var connection = new NpgsqlConnection(target);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT string_agg(customer || '@' || created_at::text, ';' ORDER BY id) FROM copied", connection);
        (await command.ExecuteScalarAsync()).Should().Be("Müller, \"Hans\"@2026-03-01 09:15:00+00;Dupont@2026-03-03 00:00:00+00");
    }

    [Theory]
    [InlineData("SELECT nope FROM orders", "The query of the source failed: 42703: column \"nope\" does not exist (at character 8 of the query)")]
    [InlineData("SELECT '{}'::json AS doc", "the column 'doc' is of the PostgreSQL type json, which no column type holds; cast it in the query, such as doc::text")]
    [InlineData("SELECT 1 AS a, 2 AS a", "the query's result has two columns named 'a'; name them apart with AS")]
    public async Task A_query_that_fails_or_does_not_fit_fails_the_run_before_any_row_saying_why(string query, string message)
    {
        var run = () => RunAsync(Query(query), CsvFile());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Contain(message);
        File.Exists(Path.Combine(_files.WorkingDirectory, "out.csv")).Should().BeFalse();
    }

    [Fact]
    public async Task A_declared_column_missing_from_the_result_is_named_with_the_result_columns()
    {
        var source = Query("SELECT id FROM orders") with { Columns = [TestFiles.Column("id", ColumnType.Int), TestFiles.Column("total", ColumnType.Decimal)] };

        var run = () => RunAsync(source, CsvFile());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            "The query's result does not fit the source: the query's result has no column 'total'. Its columns: id.");
    }

    [Fact]
    public async Task Too_many_rejections_stop_a_long_query_on_the_server()
    {
        var source = Query("SELECT 'x' || n AS n FROM generate_series(1, 100000000) AS n") with { Columns = [TestFiles.Column("n", ColumnType.Int)] };

        var run = () => RunAsync(source, CsvFile());

        await run.Should().ThrowAsync<DataflowException>().WithMessage("1 row rejected, more than maxErrors (0)*");
        (await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE state = 'active' AND query LIKE '%generate_series(1, 100000000)%' AND pid <> pg_backend_pid()"))
            .Should().Be(0L);
    }

    [Fact]
    public async Task Cancelling_the_run_cancels_the_query_in_PostgreSQL()
    {
        using var cancel = new CancellationTokenSource();
        var run = RunAsync(Query("SELECT pg_sleep(30) AS slept"), CsvFile(), cancel.Token);
        while ((long)(await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30) AS slept' AND state = 'active'"))! == 0)
        {
            await Task.Delay(50);
        }

        await cancel.CancelAsync();

        await ((Func<Task>)(() => run)).Should().ThrowAsync<OperationCanceledException>();
        (await ScalarAsync("SELECT count(*) FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(30) AS slept' AND state = 'active'")).Should().Be(0L);
    }

    private static SourceDefinition Query(string query, params (string Name, ColumnType Type)[] parameters) => new()
    {
        Type = SourceType.PostgreSql,
        Connection = TestConnections.Name,
        Query = query,
        Parameters = [.. parameters.Select(p => new QueryParameterDefinition { Name = p.Name, Type = p.Type })],
    };

    private static DestinationDefinition CsvFile() => new() { Type = DestinationType.CsvFile, Path = "out.csv" };

    private static DestinationDefinition JsonLinesFile() => new() { Type = DestinationType.JsonLinesFile, Path = "out.jsonl" };

    private Task<DataflowResult> RunAsync(SourceDefinition source, DestinationDefinition destination, params (string Name, object? Value)[] parameters) =>
        RunAsync(source, destination, 0, CancellationToken.None, parameters);

    private Task<DataflowResult> RunAsync(SourceDefinition source, DestinationDefinition destination, CancellationToken cancellationToken) =>
        RunAsync(source, destination, 0, cancellationToken);

    private Task<DataflowResult> RunAsync(SourceDefinition source, DestinationDefinition destination, int maxErrors) =>
        RunAsync(source, destination, maxErrors, CancellationToken.None);

    private async Task<DataflowResult> RunAsync(
        SourceDefinition source, DestinationDefinition destination, int maxErrors, CancellationToken cancellationToken, params (string Name, object? Value)[] parameters)
    {
        var runner = new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance);
        var request = new DataflowRunRequest(TestFiles.Definition(source, destination, maxErrors), null, _files.WorkingDirectory)
        {
            Parameters = parameters.ToDictionary(p => p.Name, p => p.Value),
        };
        return await runner.RunAsync(request, cancellationToken);
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return await command.ExecuteScalarAsync();
    }

    private sealed class TwoConnections(string source, string target) : IDatabaseConnections
    {
        public string GetPostgreSqlConnectionString(string connectionName) => connectionName == "Target" ? target : source;
    }
}

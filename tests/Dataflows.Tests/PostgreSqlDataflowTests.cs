using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Dataflows.Definitions;
using Scheduler.Testing;

namespace Scheduler.Dataflows.Tests;

public sealed class PostgreSqlDataflowTests : IAsyncLifetime, IDisposable
{
    private readonly TestFiles _files = new();
    private string _connectionString = "";

    public async Task InitializeAsync() => _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("dataflows");

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Good_rows_are_loaded_with_their_values_when_rejections_stay_within_max_errors()
    {
        var result = await RunSampleAsync(CsvFileDataflowTests.LoadSample("orders-to-postgres.json"));

        result.Should().Be(new DataflowResult(22, 20, 2, _files.RejectedRowsPath, null));
        (await ScalarAsync<long>("SELECT count(*) FROM orders")).Should().Be(20);
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id, customer, email, amount, created_at, country, active, note FROM orders WHERE id IN (1002, 1009, 1015) ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var row = new object?[8];
            reader.GetValues(row!);
            rows.Add(row.Select(v => v is DBNull ? null : v).ToArray());
        }

        rows.Should().HaveCount(3);
        rows[0].Should().Equal(1002, "Schmidt, Johann", "johann.schmidt@example.de", 45.50m, new DateTime(2026, 3, 1, 10, 2, 30, DateTimeKind.Utc), "DE", true, null);
        // email has no emptyAsNull, so its empty field is an empty string, not null.
        rows[1].Should().Equal(1009, "George Smith", "", 15.75m, new DateTime(2026, 3, 2, 21, 10, 0, DateTimeKind.Utc), "US", true, "No email on file");
        rows[2][3].Should().BeNull();
    }

    [Fact]
    public async Task Exceeding_max_errors_commits_nothing_and_says_why()
    {
        await ExecuteAsync("CREATE TABLE orders (id integer NOT NULL, customer text NOT NULL, email text, amount numeric, created_at timestamptz, country varchar(2), active boolean, note text); INSERT INTO orders (id, customer) VALUES (1, 'existing')");
        var definition = CsvFileDataflowTests.LoadSample("orders-to-postgres.json") with { MaxErrors = 1 };
        definition = definition with { Destination = definition.Destination with { CreateTable = false } };

        var run = () => RunSampleAsync(definition);

        await run.Should().ThrowAsync<DataflowException>().WithMessage(
            $"2 rows rejected, more than maxErrors (1); nothing was loaded. First: line 7, column amount: 'abc' is not a decimal. See {_files.RejectedRowsPath}");
        (await ScalarAsync<string>("SELECT string_agg(customer, ',') FROM orders")).Should().Be("existing");
        File.ReadAllLines(_files.RejectedRowsPath).Should().HaveCount(3);
    }

    [Fact]
    public async Task Create_table_makes_columns_of_the_matching_types_and_nullability()
    {
        var input = _files.Write("in.csv", "s,v,i,l,m,d,b,day,ts,tso\nx,ab,1,2,3.5,4.5,true,2026-01-02,2026-01-02T03:04:05,2026-01-02T03:04:05+01:00\n");
        var source = TestFiles.Source(
            TestFiles.Column("s", ColumnType.String, required: true), new ColumnDefinition { Name = "v", MaxLength = 5 },
            TestFiles.Column("i", ColumnType.Int), TestFiles.Column("l", ColumnType.Long), TestFiles.Column("m", ColumnType.Decimal),
            TestFiles.Column("d", ColumnType.Double), TestFiles.Column("b", ColumnType.Bool), TestFiles.Column("day", ColumnType.Date),
            TestFiles.Column("ts", ColumnType.Timestamp), TestFiles.Column("tso", ColumnType.TimestampWithOffset));

        var result = await RunAsync(TestFiles.Definition(source, PostgreSql("typed", createTable: true)), input);

        result.RowsWritten.Should().Be(1);
        var columns = new List<string>();
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT column_name || ' ' || format_type(atttypid, atttypmod) || ' ' || CASE WHEN attnotnull THEN 'not null' ELSE 'null' END " +
            "FROM pg_attribute a JOIN information_schema.columns c ON c.table_name = 'typed' AND c.column_name = a.attname " +
            "WHERE attrelid = 'typed'::regclass AND attnum > 0 ORDER BY attnum", connection);
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                columns.Add(reader.GetString(0));
            }
        }

        columns.Should().Equal(
            "s text not null", "v character varying(5) null", "i integer null", "l bigint null", "m numeric null", "d double precision null",
            "b boolean null", "day date null", "ts timestamp without time zone null", "tso timestamp with time zone null");
        (await ScalarAsync<DateTime>("SELECT tso FROM typed")).Should().Be(new DateTime(2026, 1, 2, 2, 4, 5, DateTimeKind.Utc));
        (await ScalarAsync<DateTime>("SELECT ts FROM typed")).Should().Be(new DateTime(2026, 1, 2, 3, 4, 5));
    }

    [Fact]
    public async Task A_missing_table_without_create_table_fails_naming_the_table()
    {
        var input = _files.Write("in.csv", "id\n1\n");

        var run = () => RunAsync(TestFiles.Definition(TestFiles.Source(TestFiles.Column("id", ColumnType.Int)), PostgreSql("sales.missing", createTable: false)), input);

        await run.Should().ThrowAsync<DataflowException>().WithMessage("Table 'sales.missing' does not exist in the database of connection 'Warehouse'*");
    }

    [Fact]
    public async Task Schema_qualified_tables_are_loaded()
    {
        await ExecuteAsync("CREATE SCHEMA sales");
        var input = _files.Write("in.csv", "id\n1\n2\n");

        await RunAsync(TestFiles.Definition(TestFiles.Source(TestFiles.Column("id", ColumnType.Int)), PostgreSql("sales.orders", createTable: true)), input);

        (await ScalarAsync<long>("SELECT sum(id) FROM sales.orders")).Should().Be(3);
    }

    [Fact]
    public async Task A_table_name_with_quotes_is_an_identifier_not_sql()
    {
        await ExecuteAsync("CREATE TABLE victim (id integer)");
        const string table = "x\" (id integer); DROP TABLE victim; --";
        var input = _files.Write("in.csv", "id\n7\n");

        await RunAsync(TestFiles.Definition(TestFiles.Source(TestFiles.Column("id", ColumnType.Int)), PostgreSql(table, createTable: true)), input);

        (await ScalarAsync<bool>("SELECT to_regclass('victim') IS NOT NULL")).Should().BeTrue();
        (await ScalarAsync<int>("SELECT id FROM \"x\"\" (id integer); DROP TABLE victim; --\"")).Should().Be(7);
    }

    [Fact]
    public async Task Cancellation_rolls_back_everything_including_the_created_table()
    {
        using var cancellation = new CancellationTokenSource();
        var input = _files.Write("in.csv", "id\n1\n2\n3\n");
        var definition = TestFiles.Definition(TestFiles.Source(TestFiles.Column("id", ColumnType.Int)), PostgreSql("cancelled", createTable: true));
        // The runner logs "started" once the COPY is open, inside the transaction: cancel right there.
        var runner = new DataflowRunner(new TestConnections(_connectionString), new CancelOnStartLogger(cancellation));

        var run = () => runner.RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), cancellation.Token);

        await run.Should().ThrowAsync<OperationCanceledException>();
        (await ScalarAsync<bool>("SELECT to_regclass('cancelled') IS NULL")).Should().BeTrue();
    }

    [Fact]
    public async Task A_database_error_while_loading_rolls_back_and_is_reported()
    {
        await ExecuteAsync("CREATE TABLE narrow (id integer, code varchar(1))");
        var input = _files.Write("in.csv", "id,code\n1,a\n2,bb\n");
        var source = TestFiles.Source(TestFiles.Column("id", ColumnType.Int), TestFiles.Column("code", ColumnType.String));

        var run = () => RunAsync(TestFiles.Definition(source, PostgreSql("narrow", createTable: false)), input);

        await run.Should().ThrowAsync<DataflowException>().WithMessage("PostgreSQL refused the rows for table 'narrow': *too long*");
        (await ScalarAsync<long>("SELECT count(*) FROM narrow")).Should().Be(0);
    }

    [Fact]
    public async Task A_text_value_PostgreSQL_cannot_store_rejects_its_row_and_the_other_rows_load()
    {
        var input = _files.Write("in.csv", "id,code\n1,a\n2,b\0c\n3,d\n");
        var source = TestFiles.Source(TestFiles.Column("id", ColumnType.Int), TestFiles.Column("code", ColumnType.String));

        var result = await RunAsync(TestFiles.Definition(source, PostgreSql("nul_text", createTable: true)) with { MaxErrors = 1 }, input);

        result.Should().Be(new DataflowResult(3, 2, 1, _files.RejectedRowsPath, null));
        (await ScalarAsync<string>("SELECT string_agg(code, ',' ORDER BY id) FROM nul_text")).Should().Be("a,d");
        File.ReadAllText(_files.RejectedRowsPath).Should().Contain("3,code,\"the value holds the NUL character (U+0000), which PostgreSQL cannot store in text\"");
    }

    [Fact]
    public async Task A_connection_failure_names_the_connection_but_not_the_password()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(_connectionString) { Port = 1, Password = "s3cret-pw", Timeout = 5 }.ConnectionString;
        var input = _files.Write("in.csv", "id\n1\n");
        var runner = new DataflowRunner(new TestConnections(unreachable), NullLogger<DataflowRunner>.Instance);
        var definition = TestFiles.Definition(TestFiles.Source(TestFiles.Column("id", ColumnType.Int)), PostgreSql("t", createTable: true));

        var run = () => runner.RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);

        var failure = await run.Should().ThrowAsync<DataflowException>().WithMessage("Cannot connect to PostgreSQL connection 'Warehouse'*");
        failure.Which.Message.Should().NotContain("s3cret-pw");
    }

    [Fact]
    public async Task An_unknown_connection_name_fails_with_the_hosts_message()
    {
        var input = _files.Write("in.csv", "id\n1\n");
        var definition = TestFiles.Definition(
            TestFiles.Source(TestFiles.Column("id", ColumnType.Int)),
            new DestinationDefinition { Type = DestinationType.PostgreSql, Connection = "Nope", Table = "t", CreateTable = true });

        var run = () => RunAsync(definition, input);

        await run.Should().ThrowAsync<DataflowException>().WithMessage("Unknown connection 'Nope'.");
    }

    private static DestinationDefinition PostgreSql(string table, bool createTable) =>
        new() { Type = DestinationType.PostgreSql, Connection = TestConnections.Name, Table = table, CreateTable = createTable };

    private Task<DataflowResult> RunSampleAsync(DataflowDefinition definition) =>
        RunAsync(definition, TestFiles.RepositoryFile("samples/data/orders.csv"));

    private Task<DataflowResult> RunAsync(DataflowDefinition definition, string input) =>
        new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);

    private async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        return connection;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private sealed class CancelOnStartLogger(CancellationTokenSource cancellation) : ILogger<DataflowRunner>
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (eventId.Name == "DataflowStarted")
            {
                cancellation.Cancel();
            }
        }
    }
}

using System.Diagnostics;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Dataflows.Definitions;
using Scheduler.Testing;
using static Scheduler.Dataflows.Tests.TestFiles;

namespace Scheduler.Dataflows.Tests;

public sealed class PostgreSqlLoadModeTests : IAsyncLifetime, IDisposable
{
    private static readonly SourceDefinition Items = Source(Column("id", ColumnType.Int, required: true), Column("name", ColumnType.String));

    private readonly TestFiles _files = new();
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("loadmodes");
        await ExecuteAsync("CREATE TABLE items (id integer PRIMARY KEY, name text); INSERT INTO items VALUES (1, 'old one'), (2, 'old two')");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Append_adds_to_the_rows_already_there()
    {
        await RunAsync(LoadMode.Append, "id,name\n3,three\n");

        (await NamesAsync()).Should().Equal("1:old one", "2:old two", "3:three");
    }

    [Fact]
    public async Task Loads_that_create_the_same_new_table_at_once_all_load()
    {
        var loads = Enumerable.Range(1, 8).Select(i => RunAsync(LoadMode.Append, $"id,name\n{i},load {i}\n", table: "made_at_once", createTable: true));

        var results = await Task.WhenAll(loads);

        results.Should().OnlyContain(r => r.RowsWritten == 1);
        (await ScalarAsync<long>("SELECT count(*) FROM made_at_once")).Should().Be(8);
    }

    [Fact]
    public async Task Truncate_empties_the_table_before_loading()
    {
        await RunAsync(LoadMode.Truncate, "id,name\n3,three\n");

        (await NamesAsync()).Should().Equal("3:three");
    }

    [Fact]
    public async Task Replace_swaps_in_a_new_table_keeping_its_indexes()
    {
        await ExecuteAsync("CREATE INDEX items_name ON items (name)");

        await RunAsync(LoadMode.Replace, "id,name\n3,three\n4,four\n");

        (await NamesAsync()).Should().Equal("3:three", "4:four");
        (await ScalarAsync<long>("SELECT count(*) FROM pg_indexes WHERE tablename = 'items'")).Should().Be(2, "the primary key and the index are copied");
        (await ScalarAsync<long>("SELECT count(*) FROM pg_tables WHERE tablename LIKE 'scheduler_load_%'")).Should().Be(0);
    }

    [Fact]
    public async Task Upsert_inserts_new_keys_updates_known_ones_and_the_last_duplicate_wins()
    {
        var result = await RunAsync(LoadMode.Upsert, "id,name\n2,new two\n3,three\n3,three again\n");

        result.RowsWritten.Should().Be(3);
        (await NamesAsync()).Should().Equal("1:old one", "2:new two", "3:three again");
    }

    [Fact]
    public async Task Upsert_without_a_unique_index_on_the_keys_fails_and_changes_nothing()
    {
        await ExecuteAsync("CREATE TABLE loose (id integer, name text); INSERT INTO loose VALUES (1, 'kept')");

        var run = () => RunAsync(LoadMode.Upsert, "id,name\n1,x\n", table: "loose");

        await run.Should().ThrowAsync<DataflowException>().WithMessage("*no unique or exclusion constraint matching the ON CONFLICT specification*nothing was loaded.");
        (await ScalarAsync<string>("SELECT string_agg(name, ',') FROM loose")).Should().Be("kept");
    }

    [Theory]
    [InlineData(LoadMode.Truncate)]
    [InlineData(LoadMode.Replace)]
    [InlineData(LoadMode.Upsert)]
    public async Task A_failure_in_any_mode_leaves_the_table_as_it_was(LoadMode mode)
    {
        // The second row breaks the primary key's NOT NULL only once it reaches the table: the database refuses it.
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String));

        var run = () => RunAsync(mode, "id,name\n3,three\n,nameless\n", source: source);

        await run.Should().ThrowAsync<DataflowException>().WithMessage("*null value in column \"id\"*");
        (await NamesAsync()).Should().Equal("1:old one", "2:old two");
    }

    [Fact]
    public async Task Create_table_for_an_upsert_makes_the_keys_the_primary_key()
    {
        await RunAsync(LoadMode.Upsert, "id,name\n1,a\n1,b\n", table: "fresh", createTable: true);

        (await ScalarAsync<string>("SELECT string_agg(name, ',') FROM fresh")).Should().Be("b", "a new table is merged into like an existing one");
        (await ScalarAsync<string>("SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = 'fresh'::regclass")).Should().Be("PRIMARY KEY (id)");
    }

    [Fact]
    public async Task A_connection_killed_in_the_middle_of_a_load_leaves_the_table_as_it_was()
    {
        var fifo = Path.Combine(_files.WorkingDirectory, "slow.csv");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        var runner = new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance);
        // Opening a FIFO blocks until its writer opens it, so the load starts on another thread.
        var load = Task.Run(() => runner.RunAsync(new DataflowRunRequest(Definition(Items, Destination(LoadMode.Append, "items")), fifo, _files.WorkingDirectory), CancellationToken.None));
        var writer = new StreamWriter(fifo);
        try
        {
            await writer.WriteAsync("id,name\n" + string.Concat(Enumerable.Range(100, 20_000).Select(i => $"{i},row {i}\n")));
            await writer.FlushAsync();
            var pid = await WaitForCopyInProgressAsync();
            (await ScalarAsync<bool>($"SELECT pg_terminate_backend({pid})")).Should().BeTrue();
            await writer.WriteAsync(string.Concat(Enumerable.Range(50_000, 20_000).Select(i => $"{i},row {i}\n")));
            await writer.FlushAsync();
        }
        catch (IOException)
        {
            // Broken pipe: the load noticed the lost connection and stopped reading, as it should.
        }
        finally
        {
            try
            {
                await writer.DisposeAsync();
            }
            catch (IOException)
            {
                // The same broken pipe, met again when the rest of the buffer is flushed.
            }
        }

        var outcome = () => load;

        await outcome.Should().ThrowAsync<DataflowException>().WithMessage("*table 'items'*nothing was loaded.");
        (await NamesAsync()).Should().Equal("1:old one", "2:old two");
    }

    [Fact]
    public async Task Sample_upsert_dataflow_validates_filters_derives_and_merges_by_id()
    {
        await ExecuteAsync("CREATE TABLE orders_latest (id integer PRIMARY KEY, customer text, email text, amount numeric, amount_with_vat numeric, country text, ordered_at timestamptz); " +
            "INSERT INTO orders_latest (id, customer) VALUES (1001, 'stale'), (9999, 'untouched')");
        var definition = CsvFileDataflowTests.LoadSample("orders-upsert.json");
        var runner = new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance);

        var result = await runner.RunAsync(new DataflowRunRequest(definition, RepositoryFile("samples/data/orders.csv"), _files.WorkingDirectory), CancellationToken.None);

        result.RowsRejected.Should().Be(2, "the bad amount and the short row; an empty email is null, which a pattern lets pass");
        (result.RowsWritten + result.RowsFiltered + result.RowsRejected).Should().Be(result.RowsRead);
        (await ScalarAsync<long>("SELECT count(*) FROM orders_latest")).Should().Be(result.RowsWritten + 1);
        (await ScalarAsync<string>("SELECT customer || ' ' || amount_with_vat FROM orders_latest WHERE id = 1001")).Should().Be("Alice Martin 155.880");
        (await ScalarAsync<string>("SELECT customer FROM orders_latest WHERE id = 9999")).Should().Be("untouched");
    }

    [Theory]
    [InlineData(LoadMode.Append)]
    [InlineData(LoadMode.Truncate)]
    [InlineData(LoadMode.Replace)]
    [InlineData(LoadMode.Upsert)]
    public async Task A_load_identity_run_again_loads_nothing_and_reports_the_recorded_counts(LoadMode mode)
    {
        var load = new LoadIdentity("41", "RunDataflow1", "downloads/items.csv") { Attempt = 2 };
        const string Csv = "id,name\n3,three\nbad,row\n4,four\n";
        var first = await RunAsync(mode, Csv, load: load, maxErrors: 1);
        // Changes a second load would undo (or, for Append, refuse: the keys are taken) show that it did not happen.
        await ExecuteAsync("UPDATE items SET name = 'changed' WHERE id = 3; INSERT INTO items VALUES (99, 'added later')");
        var before = await NamesAsync();

        var again = await RunAsync(mode, Csv, load: load, maxErrors: 1);

        first.LoadedBefore.Should().BeNull();
        (first.RowsRead, first.RowsWritten, first.RowsRejected).Should().Be((3, 2, 1));
        again.LoadedBefore.Should().NotBeNull();
        (again.RowsRead, again.RowsWritten, again.RowsRejected).Should().Be((3, 2, 1));
        (await NamesAsync()).Should().Equal(before);
        (await ScalarAsync<string>("SELECT concat_ws(' ', job_id, step, file, attempt, target_table, rows_read, rows_written, rows_rejected) FROM scheduler_ledger"))
            .Should().Be("41 RunDataflow1 downloads/items.csv 2 public.items 3 2 1");
    }

    [Fact]
    public async Task Another_file_or_step_of_the_same_job_is_a_load_of_its_own()
    {
        await RunAsync(LoadMode.Append, "id,name\n3,three\n", load: new LoadIdentity("42", "RunDataflow1", "1.csv"));

        var otherFile = await RunAsync(LoadMode.Append, "id,name\n4,four\n", load: new LoadIdentity("42", "RunDataflow1", "2.csv"));
        var otherStep = await RunAsync(LoadMode.Append, "id,name\n5,five\n", load: new LoadIdentity("42", "RunWorkflow1/RunDataflow1", "1.csv"));

        otherFile.LoadedBefore.Should().BeNull();
        otherStep.LoadedBefore.Should().BeNull();
        (await NamesAsync()).Should().Equal("1:old one", "2:old two", "3:three", "4:four", "5:five");
    }

    [Fact]
    public async Task A_failed_load_leaves_no_record_so_that_its_next_try_loads()
    {
        var load = new LoadIdentity("43", "RunDataflow1", "items.csv");
        var failing = () => RunAsync(LoadMode.Append, "id,name\n1,taken\n", load: load);
        await failing.Should().ThrowAsync<DataflowException>().WithMessage("*duplicate key*");

        var next = await RunAsync(LoadMode.Append, "id,name\n3,three\n", load: load with { Attempt = 2 });

        next.LoadedBefore.Should().BeNull();
        (await NamesAsync()).Should().Equal("1:old one", "2:old two", "3:three");
    }

    [Fact]
    public async Task Ledger_records_older_than_the_retention_are_removed_by_the_next_load()
    {
        await RunAsync(LoadMode.Append, "id,name\n3,three\n", load: new LoadIdentity("44", "RunDataflow1", "old.csv"));
        await ExecuteAsync("UPDATE scheduler_ledger SET loaded_at = now() - interval '31 days'");
        await RunAsync(LoadMode.Append, "id,name\n4,four\n", load: new LoadIdentity("44", "RunDataflow1", "recent.csv"));
        await ExecuteAsync("INSERT INTO scheduler_ledger (job_id, step, file, attempt, target_table, rows_read, rows_written, rows_rejected, rows_filtered, loaded_at) " +
            "SELECT '44', 'RunDataflow1', 'kept.csv', 1, 'public.items', 0, 0, 0, 0, now() - interval '29 days'");

        await RunAsync(LoadMode.Append, "id,name\n5,five\n", load: new LoadIdentity("44", "RunDataflow1", "last.csv"));

        (await ScalarAsync<string>("SELECT string_agg(file, ',' ORDER BY file) FROM scheduler_ledger")).Should().Be("kept.csv,last.csv,recent.csv");
    }

    [Fact]
    public async Task Two_runs_of_one_load_identity_at_once_load_the_rows_once_and_the_later_commit_fails()
    {
        var load = new LoadIdentity("45", "RunDataflow1", "items.csv");
        var fifo = Path.Combine(_files.WorkingDirectory, "held.csv");
        using (var mkfifo = Process.Start("mkfifo", fifo))
        {
            await mkfifo.WaitForExitAsync();
        }

        // The first run has looked for a record (none) before it opens its file, which waits for a writer; the second
        // run loads and commits meanwhile.
        var runner = new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance);
        var held = Task.Run(() => runner.RunAsync(
            new DataflowRunRequest(Definition(Items, Destination(LoadMode.Upsert, "items")), fifo, _files.WorkingDirectory) { Load = load }, CancellationToken.None));
        DataflowResult second;
        await using (var writer = new StreamWriter(fifo))
        {
            second = await RunAsync(LoadMode.Upsert, "id,name\n3,three\n", load: load);
            await writer.WriteAsync("id,name\n3,three again\n");
        }

        var outcome = () => held;

        await outcome.Should().ThrowAsync<DataflowException>().WithMessage("Another run of job 45 loaded items.csv*loaded nothing*");
        second.LoadedBefore.Should().BeNull();
        (await NamesAsync()).Should().Equal("1:old one", "2:old two", "3:three");
    }

    private async Task<int> WaitForCopyInProgressAsync()
    {
        // pg_stat_progress_copy shows the COPY once rows have reached the server: the load is then truly under way.
        var pid = await Eventually.GetAsync(
            async cancellation =>
            {
                await using var connection = new NpgsqlConnection(_connectionString);
                await connection.OpenAsync(cancellation);
                await using var command = new NpgsqlCommand(
                    "SELECT pid FROM pg_stat_progress_copy WHERE datname = current_database() AND tuples_processed > 0", connection);
                return await command.ExecuteScalarAsync(cancellation) as int?;
            },
            pid => pid is not null,
            "the COPY to show progress",
            timeout: TimeSpan.FromSeconds(30));
        return pid!.Value;
    }

    private Task<DataflowResult> RunAsync(
        LoadMode mode, string csv, string table = "items", bool createTable = false, SourceDefinition? source = null, LoadIdentity? load = null, int maxErrors = 0)
    {
        var input = _files.Write($"{Guid.NewGuid():N}.csv", csv);
        var runner = new DataflowRunner(new TestConnections(_connectionString), NullLogger<DataflowRunner>.Instance);
        var request = new DataflowRunRequest(Definition(source ?? Items, Destination(mode, table, createTable), maxErrors), input, _files.WorkingDirectory) { Load = load };
        return runner.RunAsync(request, CancellationToken.None);
    }

    private static DestinationDefinition Destination(LoadMode mode, string table, bool createTable = false) => new()
    {
        Type = DestinationType.PostgreSql, Connection = TestConnections.Name, Table = table, Mode = mode, CreateTable = createTable,
        KeyColumns = mode == LoadMode.Upsert ? ["id"] : [],
    };

    private async Task<List<string>> NamesAsync()
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT id || ':' || name FROM items ORDER BY id", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }
}

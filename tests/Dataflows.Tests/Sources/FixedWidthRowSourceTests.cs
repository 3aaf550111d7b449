using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Sources;

namespace Scheduler.Dataflows.Tests.Sources;

public sealed class FixedWidthRowSourceTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Columns_are_cut_by_start_and_length_trimmed_and_typed_and_a_bad_field_rejects_its_line()
    {
        var input = Path.Combine(_files.WorkingDirectory, "in.txt");
        await File.WriteAllTextAsync(input, "ORDERS 2026-03\n# comment\n0001Müller    0012.50\n0002Smith     abc\n0003Ng\n", Encoding.Latin1);

        var result = await RunAsync(input, Source() with { Encoding = "latin1", SkipLines = 1, Comment = "#", Trim = true }, maxErrors: 1);

        result.Should().Be(new DataflowResult(3, 2, 1, _files.RejectedRowsPath, Path.Combine(_files.WorkingDirectory, "out.csv")));
        File.ReadAllLines(result.OutputPath!).Should().Equal("id,name,amount", "1,Müller,12.50", "3,Ng,");
        File.ReadAllLines(_files.RejectedRowsPath)[1].Should().Be("4,amount,'abc' is not a decimal,0002Smith     abc");
    }

    [Fact]
    public async Task Rows_load_into_a_real_PostgreSQL_table_with_their_types()
    {
        var input = _files.Write("in.txt", "0002Zoë       0000007\n0001Müller    0012.50\n0003\n");

        var (result, rows) = await PostgresLoad.RunAsync(_files, Source() with { Trim = true }, input);

        result.RowsWritten.Should().Be(3);
        rows.Should().HaveCount(3);
        rows[0].Should().Equal(1, "Müller", 12.50m);
        rows[1].Should().Equal(2, "Zoë", 7m);
        rows[2].Should().Equal(3, null, null);
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_fails_the_run_naming_it()
    {
        var input = _files.Write("in.txt", "0001a\n" + new string('9', LineReader.MaxLineBytes + 1) + "\n");

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be($"Line 2 of '{input}' is longer than {LineReader.MaxLineBytes} bytes.");
    }

    [Theory]
    [InlineData("""{ "name": "id" }""", "$.source.columns[0].start", "is required for a FixedWidth column")]
    [InlineData("""{ "name": "id", "start": 0, "length": 4 }""", "$.source.columns[0].start", "must be at least 1")]
    [InlineData("""{ "name": "id", "start": 1048576, "length": 2 }""", "$.source.columns[0].length", "past the longest line read (1048576)")]
    [InlineData("""{ "name": "id", "start": 1, "length": 4, "delimiter": ";" }""", "$.source.columns[0].delimiter", "unknown property")]
    public void A_bad_column_position_is_reported_at_its_JSON_path(string column, string path, string message)
    {
        var result = DataflowDefinitionLoader.Load(
            $$"""{ "name": "f", "source": { "type": "FixedWidth", "columns": [ {{column}} ] }, "destination": { "type": "CsvFile", "path": "o.csv" } }""");

        result.Problems.Should().Contain(p => p.Path == path && p.Message.Contains(message));
    }

    [Fact]
    public void Start_and_length_are_refused_on_a_csv_column_and_utf16_on_a_fixed_width_source()
    {
        var csv = DataflowDefinitionLoader.Load(
            """{ "name": "c", "source": { "columns": [ { "name": "id", "start": 1 } ] }, "destination": { "type": "CsvFile", "path": "o.csv" } }""");
        var utf16 = DataflowDefinitionLoader.Load(
            """{ "name": "f", "source": { "type": "FixedWidth", "encoding": "utf-16", "columns": [ { "name": "id", "start": 1, "length": 2 } ] }, "destination": { "type": "CsvFile", "path": "o.csv" } }""");

        csv.Problems.Should().ContainSingle().Which.Path.Should().Be("$.source.columns[0].start");
        utf16.Problems.Should().ContainSingle().Which.ToString().Should().Be("$.source.encoding: a FixedWidth source reads utf-8 or latin1, not 'utf-16'");
    }

    private static SourceDefinition Source() => new()
    {
        Type = SourceType.FixedWidth,
        Columns =
        [
            new ColumnDefinition { Name = "id", Type = ColumnType.Int, Required = true, Start = 1, Length = 4 },
            new ColumnDefinition { Name = "name", Start = 5, Length = 10 },
            new ColumnDefinition { Name = "amount", Type = ColumnType.Decimal, Start = 15, Length = 7 },
        ],
    };

    private async Task<DataflowResult> RunAsync(string input, SourceDefinition source, int maxErrors = 0)
    {
        var runner = new DataflowRunner(new TestConnections(""), NullLogger<DataflowRunner>.Instance);
        var definition = TestFiles.Definition(source, new DestinationDefinition { Type = DestinationType.CsvFile, Path = "out.csv" }, maxErrors);
        return await runner.RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);
    }
}

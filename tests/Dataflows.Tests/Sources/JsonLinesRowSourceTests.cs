using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Sources;

namespace Scheduler.Dataflows.Tests.Sources;

public sealed class JsonLinesRowSourceTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Properties_become_typed_columns_by_name_and_nested_values_are_json_text_in_a_string_column()
    {
        var input = _files.Write("in.jsonl", """
            {"ID": 1, "amount": 12.50, "active": true, "day": "2026-03-01", "extra": "ignored", "tags": ["a", {"b": 1}]}

            {"id": 2, "amount": null, "active": false}
            """);

        var result = await RunAsync(input, CsvFile());

        result.Should().Be(new DataflowResult(2, 2, 0, null, Path.Combine(_files.WorkingDirectory, "out.csv")));
        File.ReadAllLines(result.OutputPath!).Should().Equal("id,amount,active,day,tags", "1,12.50,true,2026-03-01,\"[\"\"a\"\", {\"\"b\"\": 1}]\"", "2,,false,,");
    }

    [Fact]
    public async Task A_line_that_is_not_an_object_or_a_value_that_does_not_fit_rejects_its_row_with_the_line_number()
    {
        var input = _files.Write("in.jsonl", """
            {"id": 1}
            {"id": 2.5}
            [1, 2]
            {"id": 3
            {"id": {"n": 4}}
            {"id": 5, "amount": "12,5"}
            """);

        var result = await RunAsync(input, CsvFile(), maxErrors: 10);

        result.RowsWritten.Should().Be(1);
        var rejected = File.ReadAllLines(_files.RejectedRowsPath).Skip(1).ToList();
        rejected.Should().HaveCount(5);
        rejected[0].Should().StartWith("2,id,'2.5' is not a long,");
        rejected[1].Should().StartWith("3,,\"the line is a JSON array, not an object\",");
        rejected[2].Should().StartWith("4,,the line is not valid JSON: '3' is an invalid end of a number.");
        rejected[3].Should().StartWith("5,id,\"'{\"\"n\"\": 4}' is not a long\",");
        rejected[4].Should().StartWith("6,amount,\"'12,5' is not a decimal\",");
    }

    [Fact]
    public async Task A_line_longer_than_the_limit_fails_the_run_naming_it_and_one_at_the_limit_is_read()
    {
        var atLimit = "{\"id\": 1, \"pad\": \"" + new string('x', LineReader.MaxLineBytes - 20) + "\"}";
        var over = "{\"id\": 2, \"pad\": \"" + new string('x', LineReader.MaxLineBytes - 19) + "\"}";
        var input = _files.Write("in.jsonl", $"{atLimit}\r\n{over}\n");

        var run = () => RunAsync(input, CsvFile());

        atLimit.Length.Should().Be(LineReader.MaxLineBytes);
        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be($"Line 2 of '{input}' is longer than {LineReader.MaxLineBytes} bytes.");
    }

    [Fact]
    public async Task Nesting_deeper_than_the_limit_rejects_the_line_and_the_limit_itself_is_read()
    {
        string Nested(int depth) => "{\"id\": 1, \"n\": " + new string('[', depth - 1) + new string(']', depth - 1) + "}";
        var input = _files.Write("in.jsonl", Nested(JsonLinesRowSource.MaxDepth) + "\n" + Nested(JsonLinesRowSource.MaxDepth + 1) + "\n");

        var result = await RunAsync(input, CsvFile(), maxErrors: 1);

        result.RowsWritten.Should().Be(1);
        File.ReadAllLines(_files.RejectedRowsPath)[1].Should().StartWith("2,,the line is not valid JSON: The maximum configured depth of 64 has been exceeded.");
    }

    [Fact]
    public async Task Transforms_apply_and_rows_reach_a_json_lines_file()
    {
        var input = _files.Write("in.jsonl.gz", "");
        using (var gzip = new System.IO.Compression.GZipStream(File.Create(input), System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write("{\"id\": 1, \"amount\": 5}\n{\"id\": 2, \"amount\": 50}\n"u8);
        }

        var definition = Definition() with
        {
            Transforms = [new TransformDefinition { Type = TransformType.Filter, Expression = "amount > 10" }],
            Destination = new DestinationDefinition { Type = DestinationType.JsonLinesFile, Path = "out.jsonl" },
        };

        var result = await new DataflowRunner(new TestConnections(""), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);

        result.RowsFiltered.Should().Be(1);
        File.ReadAllLines(result.OutputPath!).Should().Equal("""{"id":2,"amount":50,"active":null,"day":null,"tags":null}""");
    }

    [Fact]
    public async Task Rows_load_into_a_real_PostgreSQL_table_with_their_types()
    {
        var input = _files.Write("in.jsonl", """
            {"id": 2, "amount": null, "active": false}
            {"id": 1, "amount": 12.50, "active": true, "day": "2026-03-01", "tags": ["a", {"b": 1}]}
            """);

        var (result, rows) = await PostgresLoad.RunAsync(_files, Definition().Source, input);

        result.RowsWritten.Should().Be(2);
        rows.Should().HaveCount(2);
        rows[0].Should().Equal(1L, 12.50m, true, new DateOnly(2026, 3, 1), """["a", {"b": 1}]""");
        rows[1].Should().Equal(2L, null, false, null, null);
    }

    [Fact]
    public void A_json_lines_source_refuses_csv_options_at_their_path()
    {
        var result = DataflowDefinitionLoader.Load(
            """{ "name": "j", "source": { "type": "JsonLines", "delimiter": ";", "columns": [ { "name": "id" } ] }, "destination": { "type": "CsvFile", "path": "o.csv" } }""");

        result.Problems.Should().ContainSingle().Which.ToString().Should().StartWith("$.source.delimiter: unknown property for a JsonLines source");
    }

    private static DataflowDefinition Definition() => TestFiles.Definition(
        new SourceDefinition
        {
            Type = SourceType.JsonLines,
            Columns =
            [
                TestFiles.Column("id", ColumnType.Long, required: true), TestFiles.Column("amount", ColumnType.Decimal), TestFiles.Column("active", ColumnType.Bool),
                TestFiles.Column("day", ColumnType.Date), TestFiles.Column("tags", ColumnType.String),
            ],
        },
        CsvFile());

    private static DestinationDefinition CsvFile() => new() { Type = DestinationType.CsvFile, Path = "out.csv" };

    private async Task<DataflowResult> RunAsync(string input, DestinationDefinition destination, int maxErrors = 0)
    {
        var runner = new DataflowRunner(new TestConnections(""), NullLogger<DataflowRunner>.Instance);
        var definition = Definition() with { Destination = destination, MaxErrors = maxErrors };
        return await runner.RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);
    }
}

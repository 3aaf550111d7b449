using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Tests;

public sealed class CsvFileDataflowTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Sample_orders_run_writes_the_good_rows_and_rejects_the_two_bad_ones()
    {
        var definition = LoadSample("orders-to-csv.json");
        var runner = new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance);

        var result = await runner.RunAsync(new DataflowRunRequest(definition, TestFiles.RepositoryFile("samples/data/orders.csv"), _files.WorkingDirectory), CancellationToken.None);

        var outputPath = Path.Combine(_files.WorkingDirectory, "output", "orders.csv");
        result.Should().Be(new DataflowResult(22, 20, 2, _files.RejectedRowsPath, outputPath));
        var lines = File.ReadAllLines(outputPath);
        lines.Should().HaveCount(21);
        lines[0].Should().Be("id,customer,email,amount,created_at,country,active,note");
        lines[1].Should().Be("1001,Alice Martin,alice.martin@example.com,129.90,2026-03-01T10:15:00+01:00,FR,true,First order");
        lines[2].Should().Be("1002,\"Schmidt, Johann\",johann.schmidt@example.de,45.50,2026-03-01T11:02:30+01:00,DE,true,");
        lines.Should().Contain("1007,O'Brien & Sons Ltd.,accounts@obrien.example.ie,1999.99,2026-03-02T10:00:00+00:00,IE,true,\"Invoice \"\"net 30\"\"\"");
        Directory.GetFiles(Path.GetDirectoryName(outputPath)!).Should().ContainSingle("the temporary file is renamed, not copied");

        File.ReadAllLines(_files.RejectedRowsPath).Should().Equal(
            "line,column,reason,raw",
            "7,amount,'abc' is not a decimal,\"1006,Emma Johansson,emma.j@example.se,abc,2026-03-02T09:30:00+01:00,SE,true,\"",
            "12,,\"expected 8 fields, found 7\",\"1011,Ivan Petrov,ivan.petrov@example.bg,89.90,2026-03-03T10:30:00+02:00,BG,true\"");
    }

    [Fact]
    public async Task Too_many_rejections_leave_no_output_file_but_the_rejected_rows_file()
    {
        var definition = LoadSample("orders-to-csv.json") with { MaxErrors = 1 };
        var runner = new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance);

        var run = () => runner.RunAsync(new DataflowRunRequest(definition, TestFiles.RepositoryFile("samples/data/orders.csv"), _files.WorkingDirectory), CancellationToken.None);

        await run.Should().ThrowAsync<DataflowException>().WithMessage(
            $"2 rows rejected, more than maxErrors (1); nothing was loaded. First: line 7, column amount: 'abc' is not a decimal. See {_files.RejectedRowsPath}");
        Directory.GetFiles(Path.Combine(_files.WorkingDirectory, "output")).Should().BeEmpty();
        File.ReadAllLines(_files.RejectedRowsPath).Should().HaveCount(3);
    }

    [Fact]
    public async Task A_clean_file_writes_no_rejected_rows_file()
    {
        var input = _files.Write("in.csv", "id,when\n1,2026-01-02\n2,\n");
        var definition = TestFiles.Definition(
            TestFiles.Source(TestFiles.Column("id", ColumnType.Int), TestFiles.Column("when", ColumnType.Date)),
            new DestinationDefinition { Type = DestinationType.CsvFile, Path = "out.csv" });

        var result = await new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, "in.csv", _files.WorkingDirectory), CancellationToken.None);

        result.Should().Be(new DataflowResult(2, 2, 0, null, Path.Combine(_files.WorkingDirectory, "out.csv")));
        File.Exists(_files.RejectedRowsPath).Should().BeFalse();
        File.ReadAllText(result.OutputPath!).Should().Be("id,when\r\n1,2026-01-02\r\n2,\r\n");
        File.Exists(input).Should().BeTrue();
    }

    [Fact]
    public async Task A_missing_input_file_is_a_dataflow_error_naming_the_file()
    {
        var definition = LoadSample("orders-to-csv.json");

        var run = () => new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, "missing.csv", _files.WorkingDirectory), CancellationToken.None);

        await run.Should().ThrowAsync<DataflowException>().WithMessage($"The input file '{Path.Combine(_files.WorkingDirectory, "missing.csv")}' does not exist.");
    }

    internal static DataflowDefinition LoadSample(string name)
    {
        var result = DataflowDefinitionLoader.Load(File.ReadAllText(TestFiles.RepositoryFile($"samples/dataflows/{name}")));
        return result.IsValid ? result.Definition : throw new InvalidOperationException($"{name}: {result.Describe()}");
    }
}

using Scheduler.Dataflows.Definitions;
using static Scheduler.Dataflows.Tests.TestFiles;

namespace Scheduler.Dataflows.Tests.Sources;

public sealed class ColumnTypeTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Theory]
    [InlineData(ColumnType.String, " a b ", "\" a b \"")]
    [InlineData(ColumnType.Int, "-42", "-42")]
    [InlineData(ColumnType.Long, "9007199254740993", "9007199254740993")]
    [InlineData(ColumnType.Decimal, "12345678901234567890.123", "12345678901234567890.123")]
    [InlineData(ColumnType.Double, "1.5e3", "1500")]
    [InlineData(ColumnType.Bool, "TRUE", "true")]
    [InlineData(ColumnType.Bool, "0", "false")]
    [InlineData(ColumnType.Date, "2024-02-29", "\"2024-02-29\"")]
    [InlineData(ColumnType.Timestamp, "2026-03-01 10:15:30.1234567", "\"2026-03-01T10:15:30.1234567\"")]
    [InlineData(ColumnType.Timestamp, "2026-03-01T10:15", "\"2026-03-01T10:15:00\"")]
    [InlineData(ColumnType.TimestampWithOffset, "2026-03-01T10:15:00.5+05:30", "\"2026-03-01T10:15:00.5+05:30\"")]
    [InlineData(ColumnType.TimestampWithOffset, "2026-03-01T10:15:00Z", "\"2026-03-01T10:15:00+00:00\"")]
    [InlineData(ColumnType.Guid, "0f8fad5b-d9cb-469f-a165-70867728950e", "\"0f8fad5b-d9cb-469f-a165-70867728950e\"")]
    public async Task Each_type_reads_its_values(ColumnType type, string field, string json)
    {
        var input = _files.Write("in.csv", $"v\n\"{field}\"\n");

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Source(Column("v", type))), input);

        rows.Single()["v"].GetRawText().Should().Be(json);
    }

    [Theory]
    [InlineData(ColumnType.Int, "2147483648", "'2147483648' is not an int")]
    [InlineData(ColumnType.Long, "1.5", "'1.5' is not a long")]
    [InlineData(ColumnType.Decimal, "1,5", "'1,5' is not a decimal")]
    [InlineData(ColumnType.Double, "x", "'x' is not a double")]
    [InlineData(ColumnType.Bool, "yes", "'yes' is not a bool (true, false, 1 or 0)")]
    [InlineData(ColumnType.Date, "2025-02-29", "'2025-02-29' is not a date (yyyy-MM-dd)")]
    [InlineData(ColumnType.Timestamp, "2026-03-01T10:15:00+01:00", "'2026-03-01T10:15:00+01:00' is not a timestamp (yyyy-MM-ddTHH:mm:ss, no offset)")]
    [InlineData(ColumnType.TimestampWithOffset, "2026-03-01T25:00:00Z", "'2026-03-01T25:00:00Z' is not a timestampWithOffset (ISO 8601 with an offset, such as 2026-03-01T10:15:00+01:00)")]
    [InlineData(ColumnType.Guid, "not-a-guid", "'not-a-guid' is not a guid")]
    public async Task A_value_of_the_wrong_type_rejects_the_row_with_the_reason(ColumnType type, string field, string reason)
    {
        var input = _files.Write("in.csv", $"v\n\"{field}\"\n");

        await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Source(Column("v", type))), input);

        var rejection = File.ReadAllLines(_files.RejectedRowsPath).Should().ContainSingle(l => l.StartsWith("2,v,", StringComparison.Ordinal)).Which;
        rejection.Should().Contain(reason);
    }

    [Fact]
    public async Task Required_and_maximum_length_are_enforced()
    {
        var input = _files.Write("in.csv", "id,code\n,ab\n2,abc\n3,ab\n");
        var source = Source(Column("id", ColumnType.Int, required: true), new ColumnDefinition { Name = "code", MaxLength = 2 });

        var (result, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Select(r => r["id"].GetInt32()).Should().Equal(3);
        result.RowsRejected.Should().Be(2);
        JsonLinesRun.Rejections(_files).Should().Equal("2,id,a value is required,\",ab\"", "3,code,\"'abc' is 3 characters long, longer than maxLength 2\",\"2,abc\"");
    }

    [Fact]
    public async Task Json_lines_output_is_renamed_into_place_with_one_object_per_line()
    {
        var input = _files.Write("in.csv", "id,name\n1,\"a \"\"q\"\"\"\n");

        var (result, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Source(Column("id", ColumnType.Int), Column("name", ColumnType.String))), input);

        File.ReadAllText(result.OutputPath!).Should().Be("{\"id\":1,\"name\":\"a \\\"q\\\"\"}\n");
        rows.Single()["name"].GetString().Should().Be("a \"q\"");
        Directory.GetFiles(_files.WorkingDirectory, "*.tmp").Should().BeEmpty();
    }
}

using System.IO.Compression;
using System.Text;
using Scheduler.Dataflows.Definitions;
using static Scheduler.Dataflows.Tests.TestFiles;

namespace Scheduler.Dataflows.Tests.Sources;

public sealed class SourceOptionsTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Delimiter_and_quote_characters_are_configurable()
    {
        var input = _files.Write("in.csv", "id;name\n1;'Smith; John'\n2;'It''s'\n");
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String)) with { Delimiter = ";", Quote = "'" };

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Select(r => r["name"].GetString()).Should().Equal("Smith; John", "It's");
    }

    [Fact]
    public async Task An_escape_character_other_than_the_quote_escapes_delimiters_quotes_and_line_breaks()
    {
        var input = _files.Write("in.csv", "id,text\n1,say \\\"hi\\\"\\, ok\n");
        var source = Source(Column("id", ColumnType.Int), Column("text", ColumnType.String)) with { Escape = "\\" };

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Single()["text"].GetString().Should().Be("say \"hi\", ok");
    }

    [Fact]
    public async Task Without_a_header_fields_are_taken_by_position_after_the_skipped_lines()
    {
        var input = _files.Write("in.csv", "Orders export, March\ngenerated \"by hand\n7,x\n8,y\n");
        var source = Source(Column("id", ColumnType.Int), Column("code", ColumnType.String)) with { HasHeader = false, SkipLines = 2 };

        var (result, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Select(r => r["id"].GetInt32()).Should().Equal(7, 8);
        result.RowsRead.Should().Be(2);
    }

    [Fact]
    public async Task Line_numbers_of_rejections_count_the_skipped_lines()
    {
        var input = _files.Write("in.csv", "title\nid\n1\nx\n");
        var source = Source(Column("id", ColumnType.Int)) with { SkipLines = 1 };

        await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        JsonLinesRun.Rejections(_files).Should().Equal("4,id,'x' is not an int,x");
    }

    [Fact]
    public async Task Comment_lines_are_skipped_and_trim_removes_spaces_around_fields()
    {
        var input = _files.Write("in.csv", "id,name\n# a comment\n 1 ,  Ann  \n");
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String)) with { Comment = "#", Trim = true };

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Should().ContainSingle().Which["name"].GetString().Should().Be("Ann");
    }

    [Fact]
    public async Task Null_values_mean_null_in_every_column()
    {
        var input = _files.Write("in.csv", "id,name\nNULL,N/A\n");
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String)) with { NullValues = ["NULL", "N/A"] };

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Single().Values.Select(v => v.ValueKind).Should().Equal(System.Text.Json.JsonValueKind.Null, System.Text.Json.JsonValueKind.Null);
    }

    [Theory]
    [InlineData("utf-8-bom")]
    [InlineData("latin1")]
    [InlineData("utf-16")]
    [InlineData("utf-16be")]
    public async Task Encodings_are_decoded(string encodingName)
    {
        var (encoding, name, preamble) = encodingName switch
        {
            "utf-8-bom" => (Encoding.UTF8, "utf-8", true),
            "latin1" => (Encoding.Latin1, "latin1", false),
            "utf-16" => (Encoding.Unicode, "utf-16", true),
            _ => (Encoding.BigEndianUnicode, "utf-16be", false),
        };
        var text = encoding.GetBytes("id,name\n1,Müller Café\n");
        var path = Path.Combine(_files.WorkingDirectory, "in.csv");
        File.WriteAllBytes(path, preamble ? [.. encoding.GetPreamble(), .. text] : text);
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String)) with { Encoding = name };

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), path);

        rows.Single()["name"].GetString().Should().Be("Müller Café");
    }

    [Fact]
    public async Task Culture_and_column_formats_read_local_numbers_and_dates()
    {
        var input = _files.Write("in.csv", "amount;day;at\n\"1.234,5\";31.12.2025;31/12/2025 23:59\n");
        var source = Source(
            Column("amount", ColumnType.Decimal),
            new ColumnDefinition { Name = "day", Type = ColumnType.Date, Format = "dd.MM.yyyy" },
            new ColumnDefinition { Name = "at", Type = ColumnType.Timestamp, Format = "dd/MM/yyyy HH:mm" }) with { Delimiter = ";", Culture = "de-DE" };

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        rows.Single()["amount"].GetDecimal().Should().Be(1234.5m);
        rows.Single()["day"].GetString().Should().Be("2025-12-31");
        rows.Single()["at"].GetString().Should().Be("2025-12-31T23:59:00");
    }

    [Fact]
    public async Task Gzip_input_is_recognised_by_its_extension()
    {
        var path = Path.Combine(_files.WorkingDirectory, "in.csv.gz");
        await using (var gzip = new GZipStream(File.Create(path), CompressionLevel.Fastest))
        {
            await gzip.WriteAsync(Encoding.UTF8.GetBytes("id\n1\n2\n3\n"));
        }

        var (result, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Source(Column("id", ColumnType.Long))), path);

        result.RowsWritten.Should().Be(3);
        rows.Select(r => r["id"].GetInt64()).Should().Equal(1, 2, 3);
    }

    [Fact]
    public async Task Quoted_fields_may_span_lines_and_hold_quotes_and_delimiters()
    {
        var input = _files.Write("in.csv", "id,note\n1,\"first line\nsecond, \"\"quoted\"\"\"\n2,plain\n");

        var (_, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Source(Column("id", ColumnType.Int), Column("note", ColumnType.String))), input);

        rows.Select(r => r["note"].GetString()).Should().Equal("first line\nsecond, \"quoted\"", "plain");
    }

    [Fact]
    public async Task Extra_and_missing_trailing_fields_are_rejected_by_default()
    {
        var input = _files.Write("in.csv", "id,name\n1,a,extra\n2\n3,c\n");

        var (result, _) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Source(Column("id", ColumnType.Int), Column("name", ColumnType.String))), input);

        result.RowsWritten.Should().Be(1);
        JsonLinesRun.Rejections(_files).Should().Equal("2,,\"expected 2 fields, found 3\",\"1,a,extra\"", "3,,\"expected 2 fields, found 1\",2");
    }

    [Fact]
    public async Task Accepted_extra_fields_are_ignored_and_missing_ones_are_null()
    {
        var input = _files.Write("in.csv", "id,name\n1,a,extra\n2\n");
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String)) with
        {
            ExtraFields = FieldCountHandling.Accept, MissingFields = FieldCountHandling.Accept,
        };

        var (result, rows) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        result.RowsRejected.Should().Be(0);
        rows.Select(r => r["name"].ValueKind == System.Text.Json.JsonValueKind.Null ? null : r["name"].GetString()).Should().Equal("a", null);
    }

    [Fact]
    public async Task A_missing_trailing_field_of_a_required_column_is_still_rejected()
    {
        var input = _files.Write("in.csv", "id,name\n2\n");
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String, required: true)) with { MissingFields = FieldCountHandling.Accept };

        await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(source), input);

        JsonLinesRun.Rejections(_files).Should().Equal("2,name,a value is required,2");
    }
}

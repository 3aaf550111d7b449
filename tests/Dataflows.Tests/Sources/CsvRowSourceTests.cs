using System.Globalization;
using System.Text;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Rejections;
using Scheduler.Dataflows.Sources;
using static Scheduler.Dataflows.Tests.TestFiles;

namespace Scheduler.Dataflows.Tests.Sources;

public sealed class CsvRowSourceTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void Each_column_type_is_parsed_with_the_invariant_culture()
    {
        var source = Source(
            Column("s", ColumnType.String), Column("i", ColumnType.Int), Column("l", ColumnType.Long), Column("m", ColumnType.Decimal),
            Column("d", ColumnType.Double), Column("b", ColumnType.Bool), Column("day", ColumnType.Date), Column("ts", ColumnType.Timestamp),
            Column("tso", ColumnType.TimestampWithOffset));
        var path = _files.Write("in.csv",
            "s,i,l,m,d,b,day,ts,tso\n" +
            "héllo,-42,9000000000,1234.5678,1.5e3,TRUE,2026-02-28,2026-03-01T10:15:30.25,2026-03-01T10:15:00+01:00\n");

        var rows = ReadAll(source, path);

        var values = rows.Should().ContainSingle().Subject.Values;
        values[0].Should().Be("héllo");
        values[1].Should().Be(-42);
        values[2].Should().Be(9_000_000_000L);
        values[3].Should().Be(1234.5678m);
        values[4].Should().Be(1500d);
        values[5].Should().Be(true);
        values[6].Should().Be(new DateOnly(2026, 2, 28));
        values[7].Should().Be(new DateTime(2026, 3, 1, 10, 15, 30, 250, DateTimeKind.Unspecified));
        ((DateTimeOffset)values[8]!).UtcDateTime.Should().Be(new DateTime(2026, 3, 1, 9, 15, 0, DateTimeKind.Utc));
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("False", false)]
    [InlineData("1", true)]
    [InlineData("0", false)]
    public void Bools_accept_true_false_1_and_0_in_any_case(string text, bool expected)
    {
        var rows = ReadAll(Source(Column("b", ColumnType.Bool)), _files.Write("in.csv", $"b\n{text}\n"));

        rows.Should().ContainSingle().Which.Values[0].Should().Be(expected);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("2")]
    public void Other_bool_words_are_rejected(string text)
    {
        var rows = ReadAll(Source(Column("b", ColumnType.Bool)), _files.Write("in.csv", $"b\n{text}\n"));

        rows.Should().ContainSingle().Which.Rejection!.Reason.Should().Be($"'{text}' is not a bool (true, false, 1 or 0)");
    }

    [Theory]
    [InlineData("2026-03-01T10:15:00Z", 10)]
    [InlineData("2026-03-01T10:15:00-05:00", 15)]
    [InlineData("2026-03-01 10:15:00.123+02:00", 8)]
    public void Timestamps_with_offset_keep_the_instant(string text, int utcHour)
    {
        var rows = ReadAll(Source(Column("t", ColumnType.TimestampWithOffset)), _files.Write("in.csv", $"t\n{text}\n"));

        var value = (DateTimeOffset)rows.Should().ContainSingle().Subject.Values[0]!;
        value.ToUniversalTime().Hour.Should().Be(utcHour);
    }

    [Fact]
    public void A_timestamp_with_offset_without_an_offset_is_rejected_rather_than_read_as_local_time()
    {
        var rows = ReadAll(Source(Column("t", ColumnType.TimestampWithOffset)), _files.Write("in.csv", "t\n2026-03-01T10:15:00\n"));

        rows.Should().ContainSingle().Which.Rejection!.Reason.Should().StartWith("'2026-03-01T10:15:00' is not a timestampWithOffset");
    }

    [Fact]
    public void Empty_fields_are_null_except_for_strings_without_empty_as_null()
    {
        var source = Source(
            Column("i", ColumnType.Int), Column("s", ColumnType.String), new ColumnDefinition { Name = "n", EmptyAsNull = true }, Column("d", ColumnType.Date));

        var rows = ReadAll(source, _files.Write("in.csv", "i,s,n,d\n,,,\n"));

        rows.Should().ContainSingle().Which.Values.Should().Equal(new object?[] { null, "", null, null });
    }

    [Fact]
    public void Quoted_fields_keep_commas_quotes_and_line_breaks()
    {
        var path = _files.Write("in.csv", "id,text\n1,\"a, b\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n");

        var rows = ReadAll(Source(Column("id", ColumnType.Int), Column("text", ColumnType.String)), path);

        rows.Select(r => r.Values[1]).Should().Equal("a, b", "say \"hi\"", "two\nlines", "plain");
        rows.Select(r => r.Line).Should().Equal(2, 3, 4, 6);
    }

    [Fact]
    public void Header_columns_are_matched_by_name_in_any_order_and_case()
    {
        var path = _files.Write("in.csv", "Extra,AMOUNT,Id\nx,2.5,7\n");

        var rows = ReadAll(Source(Column("id", ColumnType.Int), Column("amount", ColumnType.Decimal)), path);

        rows.Should().ContainSingle().Which.Values.Should().Equal(7, 2.5m);
    }

    [Fact]
    public void A_defined_column_missing_from_the_header_fails_the_run_and_names_it()
    {
        var path = _files.Write("in.csv", "id,name\n1,a\n");

        var open = () => CsvRowSource.Open(Source(Column("id", ColumnType.Int), Column("amount", ColumnType.Decimal), Column("country", ColumnType.String)), path);

        open.Should().Throw<DataflowException>().WithMessage("The header of '*in.csv' has no column 'amount', 'country'; it has: id, name.");
    }

    [Fact]
    public void Without_a_header_columns_are_taken_by_position_from_line_1()
    {
        var source = Source(Column("id", ColumnType.Int), Column("name", ColumnType.String)) with { HasHeader = false, Delimiter = ";" };

        var rows = ReadAll(source, _files.Write("in.csv", "1;a\nx;b\n"));

        rows[0].Values.Should().Equal(1, "a");
        rows[1].Rejection.Should().Be(new RowRejection(2, "id", "'x' is not an int", "x;b"));
    }

    [Fact]
    public void Rejections_carry_the_physical_line_the_column_and_the_reason()
    {
        var source = Source(
            Column("id", ColumnType.Int, required: true),
            Column("amount", ColumnType.Decimal),
            new ColumnDefinition { Name = "country", MinLength = 2, MaxLength = 2 });
        var path = _files.Write("in.csv",
            "id,amount,country\n" +
            "1,\"multi\nline\",FR\n" +   // lines 2-3
            "2,abc,FR\n" +               // line 4
            ",1,FR\n" +                  // line 5
            "4,1,FRA\n" +                // line 6
            "5,1,F\n" +                  // line 7
            "6,1\n" +                    // line 8
            "7,1,FR,extra\n" +           // line 9
            "8,1,DE\n");                 // line 10

        var rows = ReadAll(source, path);

        rows.Select(r => r.Rejection).Should().Equal(
            new RowRejection(2, "amount", "'multi\nline' is not a decimal", "1,\"multi\nline\",FR"),
            new RowRejection(4, "amount", "'abc' is not a decimal", "2,abc,FR"),
            new RowRejection(5, "id", "a value is required", ",1,FR"),
            new RowRejection(6, "country", "'FRA' is 3 characters long, longer than maxLength 2", "4,1,FRA"),
            new RowRejection(7, "country", "'F' is 1 characters long, shorter than minLength 2", "5,1,F"),
            new RowRejection(8, null, "expected 3 fields, found 2", "6,1"),
            new RowRejection(9, null, "expected 3 fields, found 4", "7,1,FR,extra"),
            null);
    }

    [Fact]
    public void Lengths_count_characters_not_bytes()
    {
        var source = Source(new ColumnDefinition { Name = "c", MaxLength = 2 });

        var rows = ReadAll(source, _files.Write("in.csv", "c\nÄö\n"));

        rows.Should().ContainSingle().Which.Rejection.Should().BeNull();
    }

    [Fact]
    public void Records_typed_on_several_threads_keep_file_order_and_their_lines()
    {
        // Megabytes of input, so that the records are typed in many batches on the parallel threads.
        var text = new StringBuilder("id,text\n");
        var lines = new List<long>();
        var line = 2L;
        for (var id = 1; id <= 60_000; id++)
        {
            lines.Add(line);
            var field = id % 3 == 0 ? "\"two\nlines, and some padding to make the record longer\"" : "one line with some padding to make the record longer";
            text.Append(id % 1000 == 0 ? "bad" : id.ToString(CultureInfo.InvariantCulture)).Append(',').Append(field).Append('\n');
            line += id % 3 == 0 ? 2 : 1;
        }

        var rows = ReadAll(Source(Column("id", ColumnType.Int), Column("text", ColumnType.String)), _files.Write("in.csv", text.ToString()));

        rows.Select(r => r.Line).Should().Equal(lines);
        rows.Where(r => r.Rejection is null).Select(r => (int)r.Values[0]!).Should().Equal(Enumerable.Range(1, 60_000).Where(id => id % 1000 != 0));
        rows.Where(r => r.Rejection is not null).Select(r => r.Rejection!.Line).Should().Equal(lines.Where((_, i) => (i + 1) % 1000 == 0));
    }

    [Fact]
    public void A_missing_input_file_is_a_dataflow_error_naming_it()
    {
        var open = () => CsvRowSource.Open(Source(Column("id", ColumnType.Int)), Path.Combine(_files.WorkingDirectory, "nope.csv"));

        open.Should().Throw<DataflowException>().WithMessage("The input file '*nope.csv' does not exist.");
    }

    private static List<ReadRow> ReadAll(SourceDefinition source, string path)
    {
        using var reader = CsvRowSource.Open(source, path);
        return [.. reader.ReadRecords(record =>
        {
            var values = new object?[source.Columns.Count];
            var rejection = record.Parse(values);
            return new ReadRow(record.LineNumber, values, rejection);
        })];
    }

    private sealed record ReadRow(long Line, object?[] Values, RowRejection? Rejection);
}

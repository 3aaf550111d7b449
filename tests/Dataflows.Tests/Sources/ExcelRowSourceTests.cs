using System.Globalization;
using System.IO.Compression;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Sources;
using static Scheduler.Dataflows.Tests.Sources.XlsxFile;

namespace Scheduler.Dataflows.Tests.Sources;

public sealed class ExcelRowSourceTests : IDisposable
{
    private static readonly string March1 = Serial(new DateTime(2026, 3, 1));
    private static readonly string March2AtTen = Serial(new DateTime(2026, 3, 2, 10, 15, 0));

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Columns_are_found_by_name_in_the_header_row_and_cells_are_typed_as_Excel_stores_them()
    {
        var input = Workbook(
            Row(1, Inline("A1", "Orders of March")),
            Row(3, Shared("A3", 0), Shared("B3", 1), Inline("C3", "AMOUNT"), Inline("D3", "active"), Inline("E3", "day"), Inline("F3", "at"), Inline("G3", "ignored")),
            Row(4, Number("A4", "1"), Shared("B4", 2), Number("C4", "12.5", DecimalStyle), Bool("D4", true), Number("E4", March1, DateStyle), Number("F4", March2AtTen, DateTimeStyle), Inline("G4", "x")),
            "<row r=\"5\" spans=\"1:7\"/>",
            Row(6, Inline("G6", "only a column that is not read")),
            Row(9, Number("A9", "2"), Inline("B9", "Zoë"), Inline("C9", "7"), Inline("D9", "false"), Inline("E9", "2026-03-03"), Inline("F9", "2026-03-03T08:00:00")));

        var result = await RunAsync(input, Source() with { HeaderRow = 3 });

        result.Should().Be(new DataflowResult(2, 2, 0, null, Path.Combine(_files.WorkingDirectory, "out.csv")));
        File.ReadAllLines(result.OutputPath!).Should().Equal(
            "id,name,amount,active,day,at",
            "1,Müller & Co,12.5,true,2026-03-01,2026-03-02T10:15:00",
            "2,Zoë,7,false,2026-03-03,2026-03-03T08:00:00");
    }

    [Fact]
    public async Task The_sample_workbook_reads_whole_with_the_sample_dataflow()
    {
        var runner = new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance);

        var result = await runner.RunAsync(
            new DataflowRunRequest(CsvFileDataflowTests.LoadSample("orders-xlsx-to-csv.json"), TestFiles.RepositoryFile("samples/data/orders.xlsx"), _files.WorkingDirectory),
            CancellationToken.None);

        result.Should().Be(new DataflowResult(20, 20, 0, null, Path.Combine(_files.WorkingDirectory, "output", "orders-from-xlsx.csv")));
        File.ReadLines(result.OutputPath!).Take(2).Should().Equal(
            "id,customer,email,amount,quantity,created_at,country,active,note",
            "1,Hana Suzuki,user1@example.com,5781.44,9,2026-01-15T21:30:33,IE,false,\"Call before delivery,");
    }

    [Fact]
    public async Task A_cell_that_cannot_be_typed_rejects_its_row_with_the_sheet_row_and_the_reason()
    {
        var input = Workbook(
            Header(),
            Row(2, Number("A2", "1"), Inline("B2", "ok"), Number("E2", March1, DateStyle)),
            Row(3, Inline("A3", "abc"), Inline("B3", "text id")),
            Row(4, Number("A4", "2.5"), Inline("B4", "fraction")),
            Row(5, Number("A5", "3"), Number("E5", March1)),
            Row(6, Number("A6", "4"), Number("E6", March2AtTen, DateTimeStyle)),
            Row(7, Number("B7", "5")),
            Row(8, Number("A8", "6"), "<c r=\"C8\" t=\"e\"><v>#DIV/0!</v></c>"));

        var result = await RunAsync(input, Source(), maxErrors: 10);

        result.RowsWritten.Should().Be(1);
        File.ReadAllLines(_files.RejectedRowsPath).Skip(1).Should().Equal(
            "3,id,'abc' is not an int,\"abc,text id,,,,\"",
            "4,id,'2.5' is not an int,\"2.5,fraction,,,,\"",
            $"5,day,'{March1}' is not a date (yyyy-MM-dd),\"3,,,,{March1},\"",
            "6,day,'2026-03-02T10:15:00' is not a date (yyyy-MM-dd),\"4,,,,2026-03-02T10:15:00,\"",
            "7,id,a value is required,\",5,,,,\"",
            "8,amount,'#DIV/0!' is not a decimal,\"6,,#DIV/0!,,,\"");
    }

    [Fact]
    public async Task Serial_dates_before_March_1900_count_Excels_29_February_1900_which_is_no_date()
    {
        var input = Workbook(
            Header(),
            Row(2, Number("A2", "1"), Number("E2", "1", DateStyle)),
            Row(3, Number("A3", "2"), Number("E3", "59", DateStyle)),
            Row(4, Number("A4", "3"), Number("E4", "60", DateStyle)),
            Row(5, Number("A5", "4"), Number("E5", "61", DateStyle)),
            Row(6, Number("A6", "5"), Number("E6", "0.75", DateTimeStyle)));
        var source = new SourceDefinition { Type = SourceType.Excel, Columns = [TestFiles.Column("id", ColumnType.Int), TestFiles.Column("day", ColumnType.Timestamp)] };

        var result = await RunAsync(input, source, maxErrors: 1);

        File.ReadAllLines(result.OutputPath!).Should().Equal("id,day", "1,1900-01-01T00:00:00", "2,1900-02-28T00:00:00", "4,1900-03-01T00:00:00", "5,1899-12-30T18:00:00");
        File.ReadAllLines(_files.RejectedRowsPath)[1].Should().Be("4,day,\"'60' is not a timestamp (yyyy-MM-ddTHH:mm:ss, no offset)\",\"3,60\"");
    }

    [Fact]
    public async Task The_sheet_is_chosen_by_name_and_an_unknown_sheet_fails_the_run_naming_it()
    {
        var input = Path.Combine(_files.WorkingDirectory, "in.xlsx");
        XlsxFile.Write(input, ["id"], ("Summary", Row(1, Inline("A1", "not this one"))), ("Orders 2026", Row(1, Shared("A1", 0)) + Row(2, Number("A2", "42"))));
        var source = new SourceDefinition { Type = SourceType.Excel, Columns = [TestFiles.Column("id", ColumnType.Int)] };

        var result = await RunAsync(input, source with { Sheet = "orders 2026" });
        var unknown = () => RunAsync(input, source with { Sheet = "Orders 2025" });

        File.ReadAllLines(result.OutputPath!).Should().Equal("id", "42");
        (await unknown.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The workbook '{input}' has no sheet 'Orders 2025'; it has: 'Summary', 'Orders 2026'.");
    }

    [Fact]
    public async Task A_header_row_without_a_defined_column_fails_the_run_listing_the_names_it_has()
    {
        var input = Workbook(Row(1, Inline("A1", "id"), Inline("B1", "customer")));

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The header row 1 of sheet 'Orders' in '{input}' has no column 'name', 'amount', 'active', 'day', 'at'; it has: id, customer.");
    }

    [Fact]
    public async Task A_header_cell_longer_than_any_column_name_is_quoted_cut_short_in_the_error()
    {
        var input = Workbook(Row(1, Inline("A1", "customer"), Inline("B1", new string('x', ExcelLimits.MaxCellCharacters)), Inline("C1", "amount")));

        var run = () => RunAsync(input, new SourceDefinition { Type = SourceType.Excel, Columns = [TestFiles.Column("id", ColumnType.Int)] });

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The header row 1 of sheet 'Orders' in '{input}' has no column 'id'; it has: customer, {new string('x', ExcelLimits.MaxHeaderCellCharacters)}…, amount.");
    }

    [Fact]
    public async Task Transforms_apply_and_rows_reach_a_json_lines_file()
    {
        var input = Workbook(Header(), Row(2, Number("A2", "1"), Number("C2", "5")), Row(3, Number("A3", "2"), Number("C3", "50")));
        var definition = TestFiles.Definition(Source(), new DestinationDefinition { Type = DestinationType.JsonLinesFile, Path = "out.jsonl" }) with
        {
            Transforms = [new TransformDefinition { Type = TransformType.Filter, Expression = "amount > 10" }],
        };

        var result = await new DataflowRunner(new TestConnections(""), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);

        result.RowsFiltered.Should().Be(1);
        File.ReadAllLines(result.OutputPath!).Should().Equal("""{"id":2,"name":null,"amount":50,"active":null,"day":null,"at":null}""");
    }

    [Fact]
    public async Task Rows_of_a_sheet_load_into_a_real_PostgreSQL_table_with_their_types()
    {
        var input = Workbook(
            Header(),
            Row(2, Number("A2", "1"), Shared("B2", 2), Number("C2", "1999.99", DecimalStyle), Bool("D2", false), Number("E2", March1, DateStyle), Number("F2", March2AtTen, DateTimeStyle)),
            Row(3, Number("A3", "2"), Inline("B3", "Zoë")));

        var (result, rows) = await PostgresLoad.RunAsync(_files, Source(), input);

        result.RowsWritten.Should().Be(2);
        rows.Should().HaveCount(2);
        rows[0].Should().Equal(1, "Müller & Co", 1999.99m, false, new DateOnly(2026, 3, 1), new DateTime(2026, 3, 2, 10, 15, 0));
        rows[1].Should().Equal(2, "Zoë", null, null, null, null);
    }

    [Fact]
    public async Task A_file_larger_than_the_limit_is_refused_before_it_is_opened()
    {
        var input = Path.Combine(_files.WorkingDirectory, "big.xlsx");
        using (var file = File.Create(input))
        {
            file.SetLength(ExcelLimits.MaxFileBytes + 1);
        }

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The workbook '{input}' is {ExcelLimits.MaxFileBytes + 1} bytes, more than {ExcelLimits.MaxFileBytes}.");
    }

    [Fact]
    public async Task A_zip_bomb_is_refused_from_the_sizes_its_central_directory_declares()
    {
        // A few kilobytes on disk that declare more than a gigabyte once unpacked.
        var input = Workbook(Header(), Row(2, Number("A2", "1"), Inline("B2", new string(' ', 100_000))));
        DeclareUncompressedSize(input, "xl/worksheets/sheet1.xml", (uint)ExcelLimits.MaxUncompressedBytes + 1);

        var run = () => RunAsync(input, Source());

        new FileInfo(input).Length.Should().BeLessThan(10_000);
        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().StartWith(
            $"The parts of '{input}' to read unpack to ").And.EndWith($" bytes, more than {ExcelLimits.MaxUncompressedBytes}; they are not read.");
    }

    [Fact]
    public async Task A_part_read_whole_that_declares_more_than_its_limit_is_refused()
    {
        var input = Workbook(Header());
        DeclareUncompressedSize(input, "xl/sharedStrings.xml", (uint)ExcelLimits.MaxPartBytes + 1);

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The part 'xl/sharedStrings.xml' of '{input}' unpacks to {ExcelLimits.MaxPartBytes + 1} bytes, more than {ExcelLimits.MaxPartBytes}; it is not read.");
    }

    [Fact]
    public async Task A_part_that_unpacks_to_more_than_its_directory_declares_is_cut_there_and_fails_the_run()
    {
        var input = Workbook(Header(), Row(2, Number("A2", "1"), Inline("B2", new string('x', 20_000))));
        DeclareUncompressedSize(input, "xl/worksheets/sheet1.xml", 1_000);

        var run = () => RunAsync(input, Source());

        // .NET's zip reader stops at the declared size, so the XML ends early instead of the part unpacking further.
        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should()
            .StartWith($"The sheet 'Orders' of '{input}' cannot be read at row 2: Unexpected end of file has occurred.");
    }

    [Fact]
    public async Task A_zip_with_more_entries_than_the_limit_is_refused()
    {
        var input = Workbook(Header());
        using (var zip = ZipFile.Open(input, ZipArchiveMode.Update))
        {
            for (var i = 0; i < ExcelLimits.MaxEntries; i++)
            {
                zip.CreateEntry($"padding/{i}");
            }
        }

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The workbook '{input}' has {ExcelLimits.MaxEntries + 7} zip entries, more than {ExcelLimits.MaxEntries}.");
    }

    [Fact]
    public async Task A_cell_past_the_last_column_fails_the_run_before_its_value_is_read()
    {
        var input = Workbook(Header(), Row(2, Number("A2", "1"), Number("XFD2", "2")), Row(3, Number("A3", "3"), Number("XFE3", "4")));

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The sheet 'Orders' of '{input}' has a cell in column {ExcelLimits.MaxColumns + 1} of row 3, past Excel's last column {ExcelLimits.MaxColumns} (XFD).");
    }

    [Fact]
    public async Task A_row_past_the_last_row_fails_the_run()
    {
        var input = Workbook(Header(), Row(ExcelLimits.MaxRows + 1, Number($"A{ExcelLimits.MaxRows + 1}", "1")));

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The sheet 'Orders' of '{input}' has a row numbered {ExcelLimits.MaxRows + 1}, past Excel's last row {ExcelLimits.MaxRows}.");
    }

    [Fact]
    public async Task A_cell_longer_than_Excel_allows_fails_the_run_naming_it_and_one_at_the_limit_is_read()
    {
        var input = Workbook(
            Header(),
            Row(2, Number("A2", "1"), Inline("B2", new string('x', ExcelLimits.MaxCellCharacters))),
            Row(3, Number("A3", "2"), Inline("B3", new string('x', ExcelLimits.MaxCellCharacters + 1))));

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"The sheet 'Orders' of '{input}' has a cell B3 longer than {ExcelLimits.MaxCellCharacters} characters.");
    }

    [Fact]
    public async Task A_shared_string_longer_than_Excel_allows_fails_the_run_before_any_row()
    {
        var input = Path.Combine(_files.WorkingDirectory, "in.xlsx");
        XlsxFile.Write(input, ["id", new string('x', ExcelLimits.MaxCellCharacters + 1)], ("Orders", Row(1, Shared("A1", 0))));

        var run = () => RunAsync(input, new SourceDefinition { Type = SourceType.Excel, Columns = [TestFiles.Column("id", ColumnType.Int)] });

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().Be(
            $"Shared string 1 of '{input}' is longer than {ExcelLimits.MaxCellCharacters} characters.");
    }

    [Fact]
    public async Task A_number_format_longer_than_Excel_allows_is_not_taken_as_a_date_and_one_at_the_limit_is()
    {
        string Format(int length) => "dd/mm/yyyy\"" + new string('x', length - 12) + "\"";
        var rows = Row(1, Inline("A1", "id"), Inline("B1", "day")) + Row(2, Number("A2", "1"), Number("B2", March1, DateTimeStyle));
        var atLimit = Path.Combine(_files.WorkingDirectory, "at-limit.xlsx");
        var over = Path.Combine(_files.WorkingDirectory, "over.xlsx");
        XlsxFile.Write(atLimit, Format(ExcelLimits.MaxNumberFormatLength), [], ("Orders", rows));
        XlsxFile.Write(over, Format(ExcelLimits.MaxNumberFormatLength + 1), [], ("Orders", rows));
        var source = new SourceDefinition { Type = SourceType.Excel, Columns = [TestFiles.Column("id", ColumnType.Int), TestFiles.Column("day", ColumnType.Date)] };

        var read = File.ReadAllLines((await RunAsync(atLimit, source)).OutputPath!);
        var refused = await RunAsync(over, source, maxErrors: 1);

        Format(ExcelLimits.MaxNumberFormatLength).Should().HaveLength(ExcelLimits.MaxNumberFormatLength);
        read.Should().Equal("id,day", "1,2026-03-01");
        refused.RowsRejected.Should().Be(1);
        File.ReadAllLines(_files.RejectedRowsPath)[1].Should().StartWith($"2,day,'{March1}' is not a date");
    }

    [Fact]
    public async Task A_file_that_is_not_a_zip_fails_the_run_saying_so()
    {
        var input = _files.Write("in.xlsx", "id,name\n1,a\n");

        var run = () => RunAsync(input, Source());

        (await run.Should().ThrowAsync<DataflowException>()).Which.Message.Should().StartWith($"The workbook '{input}' cannot be read as .xlsx: ");
    }

    [Theory]
    [InlineData("\"sheet\": \"\"", "$.source.sheet", "a sheet name has 1 to 31 characters, not 0")]
    [InlineData("\"sheet\": \"abcdefghijklmnopqrstuvwxyz012345\"", "$.source.sheet", "a sheet name has 1 to 31 characters, not 32")]
    [InlineData("\"sheet\": 2", "$.source.sheet", "must be a string")]
    [InlineData("\"headerRow\": \"3\"", "$.source.headerRow", "must be a whole number")]
    [InlineData("\"headerRow\": 1.5", "$.source.headerRow", "must be a whole number")]
    [InlineData("\"headerRow\": 0", "$.source.headerRow", "must be at least 1, not 0")]
    [InlineData("\"headerRow\": 1048577", "$.source.headerRow", "must be at most 1048576, Excel's last row")]
    [InlineData("\"delimiter\": \";\"", "$.source.delimiter", "unknown property for an Excel source")]
    public void A_bad_excel_source_is_reported_at_its_JSON_path(string property, string path, string message)
    {
        var result = DataflowDefinitionLoader.Load(
            $$"""{ "name": "x", "source": { "type": "Excel", {{property}}, "columns": [ { "name": "id" } ] }, "destination": { "type": "CsvFile", "path": "o.csv" } }""");

        result.Problems.Should().ContainSingle().Which.Should().Match<DefinitionProblem>(p => p.Path == path && p.Message.StartsWith(message));
    }

    [Fact]
    public void Sheet_and_header_row_are_read_from_the_definition()
    {
        var result = DataflowDefinitionLoader.Load(
            """{ "name": "x", "source": { "type": "Excel", "sheet": "Orders", "headerRow": 3, "columns": [ { "name": "id", "type": "int" } ] }, "destination": { "type": "CsvFile", "path": "o.csv" } }""");

        result.Problems.Should().BeEmpty();
        result.Definition!.Source.Should().Match<SourceDefinition>(s => s.Type == SourceType.Excel && s.Sheet == "Orders" && s.HeaderRow == 3);
    }

    private static string Serial(DateTime date) => date.ToOADate().ToString(CultureInfo.InvariantCulture);

    private static string Header() =>
        Row(1, Inline("A1", "id"), Inline("B1", "name"), Inline("C1", "amount"), Inline("D1", "active"), Inline("E1", "day"), Inline("F1", "at"));

    private static SourceDefinition Source() => new()
    {
        Type = SourceType.Excel,
        Columns =
        [
            TestFiles.Column("id", ColumnType.Int, required: true), TestFiles.Column("name", ColumnType.String), TestFiles.Column("amount", ColumnType.Decimal),
            TestFiles.Column("active", ColumnType.Bool), TestFiles.Column("day", ColumnType.Date), TestFiles.Column("at", ColumnType.Timestamp),
        ],
    };

    private string Workbook(params string[] rows)
    {
        var path = Path.Combine(_files.WorkingDirectory, "in.xlsx");
        XlsxFile.Write(path, ["ID", "Name", "Müller & Co"], ("Orders", string.Concat(rows)));
        return path;
    }

    private async Task<DataflowResult> RunAsync(string input, SourceDefinition source, int maxErrors = 0)
    {
        var runner = new DataflowRunner(new TestConnections(""), NullLogger<DataflowRunner>.Instance);
        var definition = TestFiles.Definition(source, new DestinationDefinition { Type = DestinationType.CsvFile, Path = "out.csv" }, maxErrors);
        return await runner.RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory), CancellationToken.None);
    }
}

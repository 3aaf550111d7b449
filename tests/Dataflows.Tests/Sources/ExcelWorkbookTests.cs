using System.IO.Compression;
using Scheduler.Dataflows.Sources;
using static Scheduler.Dataflows.Tests.Sources.XlsxFile;

namespace Scheduler.Dataflows.Tests.Sources;

/// <summary>Files that are not the workbook they claim to be fail with a message that says what is wrong, never with an exception of the zip or XML reader.</summary>
public sealed class ExcelWorkbookTests : IDisposable
{
    /// <summary>A DTD whose entities would expand to 10^9 characters ("billion laughs") if the XML reader expanded them.</summary>
    private const string EntityBomb = """
        <?xml version="1.0" encoding="UTF-8"?>
        <!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
        <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;"><!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
        <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;"><!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
        <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;"><!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">]>
        """;

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public void A_zip_without_a_workbook_part_is_refused_as_not_an_xlsx_workbook()
    {
        var path = Path.Combine(_files.WorkingDirectory, "in.xlsx");
        using (var zip = ZipFile.Open(path, ZipArchiveMode.Create))
        {
            using var entry = new StreamWriter(zip.CreateEntry("word/document.xml").Open());
            entry.Write("<document/>");
        }

        var open = () => ExcelWorkbook.Open(path, null);

        open.Should().Throw<DataflowException>().WithMessage($"The workbook '{path}' has no part 'xl/workbook.xml': it is not an .xlsx workbook.");
    }

    [Fact]
    public void A_workbook_cut_short_is_refused_as_unreadable()
    {
        var path = Workbook();
        var bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length / 2)]);

        var open = () => ExcelWorkbook.Open(path, null);

        open.Should().Throw<DataflowException>().Which.Message.Should().StartWith($"The workbook '{path}' cannot be read as .xlsx: ");
    }

    [Fact]
    public void A_workbook_part_with_a_DTD_is_refused_without_expanding_its_entities()
    {
        var path = Workbook();
        ReplacePart(path, "xl/workbook.xml", EntityBomb + """<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheets>&lol8;</sheets></workbook>""");

        var open = () => ExcelWorkbook.Open(path, null);

        open.Should().Throw<DataflowException>().Which.Message.Should().StartWith($"The workbook '{path}' cannot be read as .xlsx: ").And.Contain("DTD is prohibited");
    }

    [Fact]
    public void A_sheet_with_a_DTD_is_refused_before_its_first_row()
    {
        var path = Workbook();
        ReplacePart(path, "xl/worksheets/sheet1.xml", EntityBomb + """<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c></row></sheetData></worksheet>""");
        using var workbook = ExcelWorkbook.Open(path, null);
        using var sheet = new ExcelSheetReader(workbook);

        var read = () => sheet.TryReadRow([-1, 0], new object?[1], out _);

        read.Should().Throw<DataflowException>().Which.Message.Should().StartWith($"The sheet 'Orders' of '{path}' cannot be read: ").And.Contain("DTD is prohibited");
    }

    private string Workbook()
    {
        var path = Path.Combine(_files.WorkingDirectory, "in.xlsx");
        Write(path, ["id"], ("Orders", Row(1, Shared("A1", 0)) + Row(2, Number("A2", "1"))));
        return path;
    }
}

using System.IO.Compression;
using System.Security;
using System.Text;

namespace Scheduler.Dataflows.Tests.Sources;

/// <summary>
/// Writes .xlsx workbooks for tests: the zip parts Excel writes (content types, workbook, relationships, shared
/// strings, styles, one part per sheet) with the sheets' rows given as SpreadsheetML, so that a test can also write
/// what Excel never would (a cell past the last column, a text longer than a cell may hold).
/// </summary>
internal static class XlsxFile
{
    /// <summary>Cell styles of <see cref="Write"/>: 0 General, 1 a built-in date (14), 2 a workbook's own date and time format, 3 a number with two decimals.</summary>
    public const int DateStyle = 1;

    public const int DateTimeStyle = 2;
    public const int DecimalStyle = 3;

    public static void Write(string path, IReadOnlyList<string> sharedStrings, params (string Name, string Rows)[] sheets) =>
        Write(path, @"dd/mm/yyyy\ hh:mm", sharedStrings, sheets);

    /// <summary>As <see cref="Write(string, IReadOnlyList{string}, ValueTuple{string, string}[])"/>, with the format code of <see cref="DateTimeStyle"/> given.</summary>
    public static void Write(string path, string dateTimeFormat, IReadOnlyList<string> sharedStrings, params (string Name, string Rows)[] sheets)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
            <Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
            <Default Extension="xml" ContentType="application/xml"/>
            <Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
            </Types>
            """);
        Add(zip, "_rels/.rels", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            <Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
            </Relationships>
            """);
        var sheetElements = string.Concat(sheets.Select((s, i) => $"""<sheet name="{SecurityElement.Escape(s.Name)}" sheetId="{i + 1}" r:id="rId{i + 1}"/>"""));
        Add(zip, "xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
            <sheets>{sheetElements}</sheets>
            </workbook>
            """);
        const string relationship = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
        var sheetRelationships = string.Concat(sheets.Select((_, i) => $"""<Relationship Id="rId{i + 1}" Type="{relationship}/worksheet" Target="worksheets/sheet{i + 1}.xml"/>"""));
        Add(zip, "xl/_rels/workbook.xml.rels", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
            {sheetRelationships}
            <Relationship Id="rIdS" Type="{relationship}/sharedStrings" Target="sharedStrings.xml"/>
            <Relationship Id="rIdT" Type="{relationship}/styles" Target="styles.xml"/>
            </Relationships>
            """);
        var items = string.Concat(sharedStrings.Select(s => $"<si><t xml:space=\"preserve\">{SecurityElement.Escape(s)}</t></si>"));
        Add(zip, "xl/sharedStrings.xml", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{sharedStrings.Count}" uniqueCount="{sharedStrings.Count}">{items}</sst>
            """);
        Add(zip, "xl/styles.xml", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
            <numFmts count="1"><numFmt numFmtId="164" formatCode="{SecurityElement.Escape(dateTimeFormat)}"/></numFmts>
            <cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs>
            <cellXfs count="4"><xf numFmtId="0" xfId="0"/><xf numFmtId="14" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/><xf numFmtId="2" xfId="0" applyNumberFormat="1"/></cellXfs>
            </styleSheet>
            """);
        for (var i = 0; i < sheets.Length; i++)
        {
            Add(zip, $"xl/worksheets/sheet{i + 1}.xml", $"""
                <?xml version="1.0" encoding="UTF-8"?>
                <worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>{sheets[i].Rows}</sheetData></worksheet>
                """);
        }
    }

    public static string Row(int number, params string[] cells) => $"<row r=\"{number}\">{string.Concat(cells)}</row>";

    /// <summary>A text cell by its index in the shared strings, as Excel writes text.</summary>
    public static string Shared(string reference, int index) => $"<c r=\"{reference}\" t=\"s\"><v>{index}</v></c>";

    /// <summary>A text cell that holds its text itself.</summary>
    public static string Inline(string reference, string text) => $"<c r=\"{reference}\" t=\"inlineStr\"><is><t>{SecurityElement.Escape(text)}</t></is></c>";

    public static string Number(string reference, string value, int style = 0) => $"<c r=\"{reference}\"{(style == 0 ? "" : $" s=\"{style}\"")}><v>{value}</v></c>";

    public static string Bool(string reference, bool value) => $"<c r=\"{reference}\" t=\"b\"><v>{(value ? 1 : 0)}</v></c>";

    /// <summary>
    /// Rewrites the uncompressed size that the zip's central directory declares for <paramref name="entry"/>, as a
    /// crafted file would: a zip bomb declares what it unpacks to, or lies about it.
    /// </summary>
    public static void DeclareUncompressedSize(string path, string entry, uint size)
    {
        var bytes = File.ReadAllBytes(path);
        var name = Encoding.UTF8.GetBytes(entry);
        for (var i = 0; i + 46 <= bytes.Length; i++)
        {
            // A central directory header: its signature, then the entry's name at offset 46.
            if (BitConverter.ToUInt32(bytes, i) == 0x02014b50 && bytes.AsSpan(i + 46).StartsWith(name))
            {
                BitConverter.GetBytes(size).CopyTo(bytes, i + 24);
                File.WriteAllBytes(path, bytes);
                return;
            }
        }

        throw new InvalidOperationException($"'{entry}' is not in the central directory of '{path}'.");
    }

    /// <summary>Replaces the content of one part, as a crafted file would carry what no spreadsheet program writes.</summary>
    public static void ReplacePart(string path, string entry, string content)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Update);
        zip.GetEntry(entry)!.Delete();
        Add(zip, entry, content);
    }

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}

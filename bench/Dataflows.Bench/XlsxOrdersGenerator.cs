using System.Globalization;
using System.IO.Compression;
using System.Security;
using System.Text;
using static System.FormattableString;

namespace Scheduler.Dataflows.Bench;

/// <summary>
/// Writes the benchmark's orders as an .xlsx workbook, one sheet streamed into the zip: the same rows for the same
/// count on every machine (a fixed-seed generator), with the cell kinds Excel writes: numbers, a date and time as a
/// serial number with a date format, booleans, texts from the shared strings, and empty cells. The e-mail address,
/// different in every row, is an inline string, so that the shared strings (which a reader holds in memory, as any
/// row may refer to any of them) are the same few at every row count and the figures show what the sheet's rows cost.
/// </summary>
internal static class XlsxOrdersGenerator
{
    private const string Relationships = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

    private static readonly string[] Names = ["Alice Martin", "Schmidt, Johann", "Bob Jones", "Carla Rossi", "O'Brien & Sons", "Diego Fernández", "Hana Suzuki", "Lena Müller"];
    private static readonly string[] Countries = ["FR", "DE", "GB", "IT", "IE", "ES", "JP", "AT", "US", "BR"];
    private static readonly string[] Notes = ["First order", "Gift wrap, please", "Invoice \"net 30\"", "Call before delivery,\nask for the manager", "Express"];

    public static void Write(string path, int rows)
    {
        using var zip = ZipFile.Open(path, ZipArchiveMode.Create);
        Add(zip, "[Content_Types].xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>
            """);
        Add(zip, "_rels/.rels", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/officeDocument" Target="xl/workbook.xml"/></Relationships>
            """);
        Add(zip, "xl/workbook.xml", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="{Relationships}"><sheets><sheet name="Orders" sheetId="1" r:id="rId1"/></sheets></workbook>
            """);
        Add(zip, "xl/_rels/workbook.xml.rels", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="{Relationships}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{Relationships}/sharedStrings" Target="sharedStrings.xml"/><Relationship Id="rId3" Type="{Relationships}/styles" Target="styles.xml"/></Relationships>
            """);
        string[] header = ["id", "customer", "email", "amount", "quantity", "created_at", "country", "active", "note"];
        string[] shared = [.. header, .. Names, .. Countries, .. Notes];
        Add(zip, "xl/sharedStrings.xml", $"""
            <?xml version="1.0" encoding="UTF-8"?>
            <sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" uniqueCount="{shared.Length}">{string.Concat(shared.Select(s => $"<si><t xml:space=\"preserve\">{SecurityElement.Escape(s)}</t></si>"))}</sst>
            """);
        // Styles: 0 General, 1 a number with two decimals (built-in 2), 2 a date and time (the workbook's own format).
        Add(zip, "xl/styles.xml", """
            <?xml version="1.0" encoding="UTF-8"?>
            <styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><numFmts count="1"><numFmt numFmtId="164" formatCode="yyyy\-mm\-dd\ hh:mm:ss"/></numFmts><fonts count="1"><font/></fonts><fills count="1"><fill/></fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf numFmtId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" xfId="0"/><xf numFmtId="2" xfId="0" applyNumberFormat="1"/><xf numFmtId="164" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>
            """);

        using var sheet = new StreamWriter(zip.CreateEntry("xl/worksheets/sheet1.xml", CompressionLevel.Fastest).Open(), new UTF8Encoding(false), 1 << 16);
        sheet.Write("""<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">""");
        for (var column = 0; column < header.Length; column++)
        {
            sheet.Write(Cell(column, 1, Invariant($" t=\"s\"><v>{column}</v>")));
        }

        sheet.Write("</row>");
        var random = new Random(20260301);
        var start = new DateTime(2026, 1, 1);
        for (var id = 1; id <= rows; id++)
        {
            var row = id + 1;
            var line = new StringBuilder(512).Append(Invariant($"<row r=\"{row}\">"))
                .Append(Cell(0, row, Invariant($"><v>{id}</v>")))
                .Append(Cell(1, row, Invariant($" t=\"s\"><v>{header.Length + random.Next(Names.Length)}</v>")));
            if (random.Next(10) != 0)
            {
                line.Append(Cell(2, row, Invariant($" t=\"inlineStr\"><is><t>user{id}@example.com</t></is>")));
            }

            if (random.Next(20) != 0)
            {
                line.Append(Cell(3, row, Invariant($" s=\"1\"><v>{random.Next(1, 1_000_000) / 100m}</v>")));
            }

            line.Append(Cell(4, row, Invariant($"><v>{random.Next(0, 50)}</v>")))
                .Append(Cell(5, row, Invariant($" s=\"2\"><v>{start.AddSeconds(random.Next(0, 90 * 24 * 3600)).ToOADate()}</v>")))
                .Append(Cell(6, row, Invariant($" t=\"s\"><v>{header.Length + Names.Length + random.Next(Countries.Length)}</v>")))
                .Append(Cell(7, row, Invariant($" t=\"b\"><v>{random.Next(2)}</v>")));
            if (random.Next(7) is var note and < 5)
            {
                line.Append(Cell(8, row, Invariant($" t=\"s\"><v>{header.Length + Names.Length + Countries.Length + note}</v>")));
            }

            sheet.Write(line.Append("</row>"));
        }

        sheet.Write("</sheetData></worksheet>");
    }

    /// <summary>A cell with its reference (<c>C7</c>); <paramref name="rest"/> holds its attributes after the reference and its value.</summary>
    private static string Cell(int column, int row, string rest) =>
        string.Create(CultureInfo.InvariantCulture, $"<c r=\"{(char)('A' + column)}{row}\"{rest}</c>");

    private static void Add(ZipArchive zip, string name, string content)
    {
        using var stream = zip.CreateEntry(name, CompressionLevel.Fastest).Open();
        stream.Write(Encoding.UTF8.GetBytes(content));
    }
}

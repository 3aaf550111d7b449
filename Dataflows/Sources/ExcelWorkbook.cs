using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Xml;
using ExcelNumberFormat;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// An .xlsx file opened to read one sheet. The zip's central directory is checked against <see cref="ExcelLimits"/>
/// before any part is unpacked; the workbook names the sheets, its relationships lead to the sheet's part, and the
/// shared strings (the text of most cells) and the styles that mark a number as a date are loaded. The sheet itself is
/// streamed by <see cref="ExcelSheetReader"/>.
/// </summary>
internal sealed class ExcelWorkbook : IDisposable
{
    private const string WorkbookPart = "xl/workbook.xml";
    private const string RelationshipsPart = "xl/_rels/workbook.xml.rels";

    /// <summary>No DTD (so no entity expansion), nothing fetched from outside the part.</summary>
    internal static readonly XmlReaderSettings XmlSettings = new()
    {
        DtdProcessing = DtdProcessing.Prohibit,
        IgnoreComments = true,
        IgnoreProcessingInstructions = true,
        CloseInput = true,
    };

    private readonly ZipArchive _archive;
    private readonly ZipArchiveEntry _sheet;

    private ExcelWorkbook(ZipArchive archive, ZipArchiveEntry sheet, string path, string sheetName)
    {
        _archive = archive;
        _sheet = sheet;
        Path = path;
        SheetName = sheetName;
    }

    public string Path { get; }

    /// <summary>The sheet's name as the workbook spells it.</summary>
    public string SheetName { get; }

    public IReadOnlyList<string> SharedStrings { get; private init; } = [];

    /// <summary>For each cell style (a cell's <c>s</c> attribute), whether its number format shows a date or a time.</summary>
    public IReadOnlyList<bool> DateStyles { get; private init; } = [];

    /// <summary>Whether serial dates count from 1904 (old Mac workbooks) rather than from 1900.</summary>
    public bool Dates1904 { get; private init; }

    /// <exception cref="DataflowException">The file is missing, too large, not a workbook, or has no such sheet.</exception>
    public static ExcelWorkbook Open(string path, string? sheetName)
    {
        var info = new FileInfo(path);
        if (!info.Exists)
        {
            throw new DataflowException($"The input file '{path}' does not exist.");
        }

        if (info.Length > ExcelLimits.MaxFileBytes)
        {
            throw new DataflowException($"The workbook '{path}' is {info.Length} bytes, more than {ExcelLimits.MaxFileBytes}.");
        }

        FileStream? file = null;
        ZipArchive? archive = null;
        try
        {
            file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            archive = new ZipArchive(file, ZipArchiveMode.Read);
            return Read(archive, path, sheetName);
        }
        catch (Exception exception) when (exception is InvalidDataException or XmlException or IOException or UnauthorizedAccessException)
        {
            ((IDisposable?)archive ?? file)?.Dispose();
            throw new DataflowException($"The workbook '{path}' cannot be read as .xlsx: {exception.Message}", exception);
        }
        catch
        {
            ((IDisposable?)archive ?? file)?.Dispose();
            throw;
        }
    }

    /// <summary>The sheet's XML, unpacked as it is read; never more than the central directory declared for it.</summary>
    public Stream OpenSheet() => _sheet.Open();

    public void Dispose() => _archive.Dispose();

    private static ExcelWorkbook Read(ZipArchive archive, string path, string? sheetName)
    {
        if (archive.Entries.Count > ExcelLimits.MaxEntries)
        {
            throw new DataflowException($"The workbook '{path}' has {archive.Entries.Count} zip entries, more than {ExcelLimits.MaxEntries}.");
        }

        var workbook = Part(archive, WorkbookPart, path);
        var relationshipsPart = Part(archive, RelationshipsPart, path);
        CheckSizes(path, [workbook, relationshipsPart], null);
        var (sheets, dates1904) = ReadWorkbook(workbook);
        var relationships = ReadRelationships(relationshipsPart);

        var chosen = sheetName is null ? sheets.FirstOrDefault() : sheets.FirstOrDefault(s => string.Equals(s.Name, sheetName, StringComparison.OrdinalIgnoreCase));
        if (chosen.Name is null)
        {
            throw new DataflowException(sheetName is null
                ? $"The workbook '{path}' has no sheet."
                : $"The workbook '{path}' has no sheet '{sheetName}'; it has: {string.Join(", ", sheets.Take(20).Select(s => $"'{s.Name}'"))}.");
        }

        var sheet = relationships.TryGetValue(chosen.RelationshipId, out var target) ? archive.GetEntry(target.Part) : null;
        if (sheet is null)
        {
            throw new DataflowException($"The workbook '{path}' names a sheet '{chosen.Name}' but holds no part for it.");
        }

        var sharedStrings = PartOfType(archive, relationships, "/sharedStrings");
        var styles = PartOfType(archive, relationships, "/styles");
        CheckSizes(path, [workbook, relationshipsPart, .. new[] { sharedStrings, styles }.OfType<ZipArchiveEntry>()], sheet);
        return new ExcelWorkbook(archive, sheet, path, chosen.Name)
        {
            SharedStrings = ReadSharedStrings(sharedStrings, path),
            DateStyles = ReadDateStyles(styles),
            Dates1904 = dates1904,
        };
    }

    private static ZipArchiveEntry Part(ZipArchive archive, string name, string path) =>
        archive.GetEntry(name) ?? throw new DataflowException($"The workbook '{path}' has no part '{name}': it is not an .xlsx workbook.");

    private static ZipArchiveEntry? PartOfType(ZipArchive archive, Dictionary<string, (string Type, string Part)> relationships, string typeSuffix) =>
        relationships.Values.Where(r => r.Type.EndsWith(typeSuffix, StringComparison.Ordinal)).Select(r => archive.GetEntry(r.Part)).FirstOrDefault(e => e is not null);

    /// <summary>Refuses, from what the central directory declares, parts that would unpack to more than the limits.</summary>
    private static void CheckSizes(string path, IEnumerable<ZipArchiveEntry> wholeParts, ZipArchiveEntry? streamedSheet)
    {
        long total = streamedSheet?.Length ?? 0;
        foreach (var part in wholeParts)
        {
            if (part.Length > ExcelLimits.MaxPartBytes)
            {
                throw new DataflowException($"The part '{part.FullName}' of '{path}' unpacks to {part.Length} bytes, more than {ExcelLimits.MaxPartBytes}; it is not read.");
            }

            total += part.Length;
        }

        if (total > ExcelLimits.MaxUncompressedBytes)
        {
            throw new DataflowException($"The parts of '{path}' to read unpack to {total} bytes, more than {ExcelLimits.MaxUncompressedBytes}; they are not read.");
        }
    }

    private static (List<(string Name, string RelationshipId)> Sheets, bool Dates1904) ReadWorkbook(ZipArchiveEntry part)
    {
        var sheets = new List<(string, string)>();
        var dates1904 = false;
        using var xml = XmlReader.Create(part.Open(), XmlSettings);
        while (xml.Read())
        {
            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (xml.LocalName == "workbookPr")
            {
                dates1904 = xml.GetAttribute("date1904") is "1" or "true";
            }
            else if (xml.LocalName == "sheet" && xml.GetAttribute("name") is { } name && RelationshipId(xml) is { } id)
            {
                sheets.Add((name, id));
            }
        }

        return (sheets, dates1904);
    }

    /// <summary>The <c>r:id</c> attribute, whichever of the transitional or strict namespaces it is in.</summary>
    private static string? RelationshipId(XmlReader xml)
    {
        string? id = null;
        for (var more = xml.MoveToFirstAttribute(); more && id is null; more = xml.MoveToNextAttribute())
        {
            if (xml.LocalName == "id" && xml.NamespaceURI.EndsWith("relationships", StringComparison.Ordinal))
            {
                id = xml.Value;
            }
        }

        xml.MoveToElement();
        return id;
    }

    /// <summary>Relationship ids to their type and the zip entry they lead to (targets are relative to <c>xl/</c> unless rooted).</summary>
    private static Dictionary<string, (string Type, string Part)> ReadRelationships(ZipArchiveEntry part)
    {
        var relationships = new Dictionary<string, (string, string)>(StringComparer.Ordinal);
        using var xml = XmlReader.Create(part.Open(), XmlSettings);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "Relationship"
                && xml.GetAttribute("Id") is { } id && xml.GetAttribute("Target") is { } target)
            {
                relationships.TryAdd(id, (xml.GetAttribute("Type") ?? "", target.StartsWith('/') ? target[1..] : "xl/" + target));
            }
        }

        return relationships;
    }

    private static List<string> ReadSharedStrings(ZipArchiveEntry? part, string path)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        var text = new StringBuilder();
        var buffer = new char[4096];
        using var xml = XmlReader.Create(part.Open(), XmlSettings);
        while (xml.Read())
        {
            while (xml.NodeType == XmlNodeType.Element && xml.LocalName == "rPh")
            {
                // A phonetic reading of the text (Japanese), not part of it.
                xml.Skip();
            }

            if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "si")
            {
                text.Clear();
                if (xml.IsEmptyElement)
                {
                    strings.Add("");
                }
            }
            else if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "si")
            {
                strings.Add(ExcelText.Decode(text));
            }
            else if (xml.NodeType == XmlNodeType.Element && xml.LocalName == "t" && !ExcelText.TryAppend(xml, text, buffer))
            {
                throw new DataflowException($"Shared string {strings.Count} of '{path}' is longer than {ExcelLimits.MaxCellCharacters} characters.");
            }
        }

        return strings;
    }

    private static List<bool> ReadDateStyles(ZipArchiveEntry? part)
    {
        var styles = new List<bool>();
        if (part is null)
        {
            return styles;
        }

        var formats = new Dictionary<int, string>();
        var inCellFormats = false;
        using var xml = XmlReader.Create(part.Open(), XmlSettings);
        while (xml.Read())
        {
            if (xml.NodeType == XmlNodeType.EndElement && xml.LocalName == "cellXfs")
            {
                inCellFormats = false;
            }

            if (xml.NodeType != XmlNodeType.Element)
            {
                continue;
            }

            if (xml.LocalName == "numFmt" && Number(xml.GetAttribute("numFmtId")) is { } id && xml.GetAttribute("formatCode") is { } code)
            {
                formats[id] = code;
            }
            else if (xml.LocalName == "cellXfs")
            {
                inCellFormats = !xml.IsEmptyElement;
            }
            else if (xml.LocalName == "xf" && inCellFormats)
            {
                styles.Add(Number(xml.GetAttribute("numFmtId")) is { } format && IsDateFormat(format, formats));
            }
        }

        return styles;
    }

    /// <summary>
    /// Built-in formats 14-22 and 45-47 (and the East Asian 27-36 and 50-58) are dates and times; a workbook's own
    /// format is one when its code shows a date or time part (<c>dd.mm.yyyy</c>, <c>[h]:mm</c>), as Excel decides it.
    /// </summary>
    private static bool IsDateFormat(int id, Dictionary<int, string> formats)
    {
        if (formats.TryGetValue(id, out var code))
        {
            return code.Length <= ExcelLimits.MaxNumberFormatLength && new NumberFormat(code) is { IsValid: true, IsDateTimeFormat: true };
        }

        return id is (>= 14 and <= 22) or (>= 27 and <= 36) or (>= 45 and <= 47) or (>= 50 and <= 58);
    }

    private static int? Number(string? text) => int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) ? number : null;
}

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// What an .xlsx file may hold. A workbook is a zip of XML parts, so a small file can unpack to gigabytes (a zip
/// bomb), name cells far beyond any real sheet, or hold a text of any length; each limit is checked before what it
/// bounds is unpacked or built: sizes from the zip's central directory before a part is opened, cell lengths while
/// the text is read in chunks, rows and columns from a cell's reference before its value is read.
/// </summary>
internal static class ExcelLimits
{
    /// <summary>The .xlsx file itself, checked before it is opened as a zip.</summary>
    public const long MaxFileBytes = 100L << 20;

    /// <summary>Entries in the zip's central directory (a workbook has a few dozen; pictures and sheets add some).</summary>
    public const int MaxEntries = 10_000;

    /// <summary>What the workbook, its relationships, the shared strings and the styles each unpack to (they are read whole; the sheet is streamed).</summary>
    public const long MaxPartBytes = 128L << 20;

    /// <summary>What all the parts read (the sheet included) unpack to together, as the central directory declares it.</summary>
    public const long MaxUncompressedBytes = 1L << 30;

    /// <summary>Excel's own last row: a row numbered higher was not written by Excel.</summary>
    public const int MaxRows = 1_048_576;

    /// <summary>Excel's own last column (XFD).</summary>
    public const int MaxColumns = 16_384;

    /// <summary>Excel's own limit on the text of one cell.</summary>
    public const int MaxCellCharacters = 32_767;

    /// <summary>
    /// How much of a header cell is kept, as the header row keeps all of its cells at once: a column's name has at
    /// most 63 bytes, so a longer cell (trimmed) names no column, and the error that lists the header quotes no more.
    /// </summary>
    public const int MaxHeaderCellCharacters = 256;

    /// <summary>Excel's own limit on a sheet's name, which the source's <c>sheet</c> may not exceed.</summary>
    public const int MaxSheetNameLength = 31;

    /// <summary>A number format longer than Excel allows is not taken as a date format.</summary>
    public const int MaxNumberFormatLength = 255;
}

using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Reads one sheet of an .xlsx workbook: columns are found by name (case-insensitive) in the header row, and each
/// row below it is a record numbered by its row in the sheet. A cell arrives as Excel stores it (text, a number, a
/// bool, or a number with a date format as a date and time) and is converted to its column's type as any typed
/// value is; text is parsed as a CSV field is. A row with no value in the columns read is skipped.
/// </summary>
internal sealed class ExcelRowSource : IRowSource
{
    private readonly ExcelWorkbook _workbook;
    private readonly ExcelSheetReader _sheet;
    private readonly SourceDefinition _source;
    private readonly int[] _slots;
    private readonly ValueRecordTyper _typer;

    private ExcelRowSource(ExcelWorkbook workbook, ExcelSheetReader sheet, SourceDefinition source, int[] slots)
    {
        _workbook = workbook;
        _sheet = sheet;
        _source = source;
        _slots = slots;
        _typer = new ValueRecordTyper(source, source.Columns);
    }

    public string Description => $"{_workbook.Path} (sheet '{_workbook.SheetName}')";

    public IReadOnlyList<ColumnDefinition> Columns => _source.Columns;

    /// <exception cref="DataflowException">The workbook cannot be read, has no such sheet, or its header row lacks a column.</exception>
    public static ExcelRowSource Open(SourceDefinition source, string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        var workbook = ExcelWorkbook.Open(path, source.Sheet);
        ExcelSheetReader? sheet = null;
        try
        {
            sheet = new ExcelSheetReader(workbook);
            return new ExcelRowSource(workbook, sheet, source, Slots(source, workbook, ReadHeader(sheet, source.HeaderRow ?? 1)));
        }
        catch
        {
            sheet?.Dispose();
            workbook.Dispose();
            throw;
        }
    }

    public IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map)
    {
        while (true)
        {
            var fields = new object?[_source.Columns.Count];
            if (!_sheet.TryReadRow(_slots, fields, out var number))
            {
                yield break;
            }

            if (Array.TrueForAll(fields, f => f is null))
            {
                continue;
            }

            yield return map(new SourceRecord(_typer, new ValueRecord(number, fields, null)));
        }
    }

    public void Dispose()
    {
        _sheet.Dispose();
        _workbook.Dispose();
    }

    /// <summary>The names in the header row by 1-based column; empty when the sheet has no such row.</summary>
    private static Dictionary<int, string> ReadHeader(ExcelSheetReader sheet, int headerRow)
    {
        var slots = new int[ExcelLimits.MaxColumns + 1];
        for (var column = 0; column < slots.Length; column++)
        {
            slots[column] = column;
        }

        var cells = new object?[slots.Length];
        long number;
        while (sheet.TryReadRow(slots, cells, out number, ExcelLimits.MaxHeaderCellCharacters) && number < headerRow)
        {
            // Rows above the header (a title, a note) are not read.
        }

        var names = new Dictionary<int, string>();
        if (number == headerRow)
        {
            for (var column = 1; column < cells.Length; column++)
            {
                if (cells[column] is { } cell && TypedValueConversion.Text(cell).Trim() is { Length: > 0 } name)
                {
                    names[column] = name;
                }
            }
        }

        return names;
    }

    /// <summary>For each 1-based column of the sheet, the index of the defined column it fills, or -1.</summary>
    private static int[] Slots(SourceDefinition source, ExcelWorkbook workbook, Dictionary<int, string> header)
    {
        var slots = new int[header.Count == 0 ? 1 : header.Keys.Max() + 1];
        Array.Fill(slots, -1);
        var missing = new List<string>();
        for (var i = 0; i < source.Columns.Count; i++)
        {
            var column = header.Where(h => string.Equals(h.Value, source.Columns[i].Name, StringComparison.OrdinalIgnoreCase)).Select(h => h.Key).DefaultIfEmpty(0).Min();
            if (column == 0)
            {
                missing.Add(source.Columns[i].Name);
            }
            else
            {
                slots[column] = i;
            }
        }

        if (missing.Count > 0)
        {
            throw new DataflowException(
                $"The header row {source.HeaderRow ?? 1} of sheet '{workbook.SheetName}' in '{workbook.Path}' has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}; " +
                $"it has: {(header.Count == 0 ? "(none, the row is empty)" : string.Join(", ", header.OrderBy(h => h.Key).Take(50).Select(h => h.Value)))}.");
        }

        return slots;
    }
}

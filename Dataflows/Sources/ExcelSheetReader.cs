using System.Globalization;
using System.Text;
using System.Xml;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Streams the rows of a sheet's XML, one row element at a time. Rows and columns are taken from the cells'
/// references (<c>r="C7"</c>) and checked against Excel's last row and column before the cell's value is read; a
/// cell's text is read in chunks up to Excel's limit on a cell. Missing rows are not filled in: a row that is not in
/// the XML is simply not read.
/// </summary>
internal sealed class ExcelSheetReader : IDisposable
{
    // Shared boxes, as for CSV bools.
    private static readonly object True = true;
    private static readonly object False = false;

    private readonly ExcelWorkbook _workbook;
    private readonly XmlReader _xml;
    private readonly StringBuilder _text = new();
    private readonly char[] _buffer = new char[4096];
    private long _row;

    public ExcelSheetReader(ExcelWorkbook workbook)
    {
        _workbook = workbook;
        try
        {
            _xml = XmlReader.Create(workbook.OpenSheet(), ExcelWorkbook.XmlSettings);
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException)
        {
            throw new DataflowException($"The sheet '{workbook.SheetName}' of '{workbook.Path}' cannot be read: {exception.Message}", exception);
        }
    }

    /// <summary>
    /// Reads the next row: its 1-based number, and in <c>values[slots[column]]</c> the value of each cell whose 1-based
    /// column has a slot (a negative slot, or a column past the array, is not wanted). Values are a string, a double,
    /// a bool or a <see cref="DateTime"/>; an empty cell is null. False at the end of the sheet. A text longer than
    /// <paramref name="keepCharacters"/> is kept cut there and marked with '…', for a row whose every cell is kept
    /// (the header), which could otherwise hold 16,384 texts of 32,767 characters at once.
    /// </summary>
    /// <exception cref="DataflowException">A limit is passed, or the sheet is not well-formed.</exception>
    public bool TryReadRow(int[] slots, object?[] values, out long number, int keepCharacters = ExcelLimits.MaxCellCharacters)
    {
        Array.Clear(values);
        try
        {
            while (_xml.Read())
            {
                if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "row")
                {
                    number = _row = NextRowNumber();
                    ReadCells(slots, values, keepCharacters);
                    return true;
                }
            }
        }
        catch (Exception exception) when (exception is XmlException or InvalidDataException or IOException)
        {
            throw new DataflowException($"The sheet '{_workbook.SheetName}' of '{_workbook.Path}' cannot be read{(_row == 0 ? "" : $" at row {_row}")}: {exception.Message}", exception);
        }

        number = _row;
        return false;
    }

    public void Dispose() => _xml.Dispose();

    private long NextRowNumber()
    {
        var reference = _xml.GetAttribute("r");
        var number = reference is null ? _row + 1 : long.TryParse(reference, NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : 0;
        if (number <= _row)
        {
            throw Failure($"has a row numbered '{reference}' after row {_row}; rows must be numbered upwards");
        }

        if (number > ExcelLimits.MaxRows)
        {
            throw Failure($"has a row numbered {number}, past Excel's last row {ExcelLimits.MaxRows}");
        }

        return number;
    }

    private void ReadCells(int[] slots, object?[] values, int keepCharacters)
    {
        if (_xml.IsEmptyElement)
        {
            return;
        }

        var depth = _xml.Depth;
        var column = 0;
        while (_xml.Read() && _xml.Depth > depth)
        {
            if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName == "c")
            {
                column = CellColumn(column);
                var value = ReadCell(column);
                if (column < slots.Length && slots[column] >= 0)
                {
                    values[slots[column]] = value is string text && text.Length > keepCharacters ? string.Concat(text.AsSpan(0, keepCharacters), "…") : value;
                }
            }
        }
    }

    private int CellColumn(int previous)
    {
        var reference = _xml.GetAttribute("r");
        var column = reference is null ? previous + 1 : ColumnOf(reference);
        if (column <= previous)
        {
            throw Failure($"has a cell '{reference}' in row {_row} after column {previous}; cells must be in column order");
        }

        if (column > ExcelLimits.MaxColumns)
        {
            throw Failure($"has a cell in column {column} of row {_row}, past Excel's last column {ExcelLimits.MaxColumns} (XFD)");
        }

        return column;
    }

    /// <summary>The 1-based column of a reference such as <c>AB12</c>; 0 when it has no letters. Stops counting past the limit.</summary>
    private static int ColumnOf(string reference)
    {
        var column = 0;
        foreach (var c in reference)
        {
            if (c is not (>= 'A' and <= 'Z'))
            {
                break;
            }

            column = (column * 26) + (c - 'A' + 1);
            if (column > ExcelLimits.MaxColumns)
            {
                return ExcelLimits.MaxColumns + 1;
            }
        }

        return column;
    }

    private object? ReadCell(int column)
    {
        var type = _xml.GetAttribute("t");
        var style = _xml.GetAttribute("s");
        _text.Clear();
        if (_xml.IsEmptyElement)
        {
            return null;
        }

        var depth = _xml.Depth;
        while (_xml.Read() && _xml.Depth > depth)
        {
            // The value (v), or the text of an inline string (is/t, one per run); a formula (f) is not read.
            if (_xml.NodeType == XmlNodeType.Element && _xml.LocalName is "v" or "t" && !ExcelText.TryAppend(_xml, _text, _buffer))
            {
                throw Failure($"has a cell {CellName(column)} longer than {ExcelLimits.MaxCellCharacters} characters");
            }
        }

        return Value(type, style, column);
    }

    private object? Value(string? type, string? style, int column)
    {
        if (type is "inlineStr" or "str")
        {
            return ExcelText.Decode(_text);
        }

        var text = _text.ToString();
        if (text.Length == 0)
        {
            return null;
        }

        switch (type)
        {
            case "s":
                return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var index) && index < _workbook.SharedStrings.Count
                    ? _workbook.SharedStrings[index]
                    : throw Failure($"has a cell {CellName(column)} that refers to shared string '{text}', which the workbook does not have");
            case "b":
                return text switch { "1" => True, "0" => False, _ => text };
            case "d":
                return DateTime.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var date) ? date : text;
            case "e":
                // An error such as #N/A or #DIV/0!: its text, which only a string column takes.
                return text;
            default:
                return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) ? Number(number, style) : text;
        }
    }

    /// <summary>
    /// A number shown with a date or time format is a serial date: days since 1899-12-30 (or 1904-01-01), the time as
    /// the fraction. Excel counts 1900 as a leap year, as Lotus 1-2-3 did, so its serials 1 to 59 (1900-01-01 to
    /// 1900-02-28) are one more than the days since 1899-12-30, and 60 is a 29 February 1900 that never was: it stays a number.
    /// </summary>
    private object Number(double number, string? style)
    {
        if (!int.TryParse(style, NumberStyles.None, CultureInfo.InvariantCulture, out var index) || index >= _workbook.DateStyles.Count || !_workbook.DateStyles[index])
        {
            return number;
        }

        var serial = _workbook.Dates1904 ? number + 1462 : number switch { >= 1 and < 60 => number + 1, >= 60 and < 61 => double.NaN, _ => number };
        return serial is > -657435.0 and < 2958466.0 ? DateTime.FromOADate(serial) : number;
    }

    private string CellName(int column)
    {
        var letters = "";
        for (var rest = column; rest > 0; rest = (rest - 1) / 26)
        {
            letters = (char)('A' + ((rest - 1) % 26)) + letters;
        }

        return letters + _row.ToString(CultureInfo.InvariantCulture);
    }

    private DataflowException Failure(string what) => new($"The sheet '{_workbook.SheetName}' of '{_workbook.Path}' {what}.");
}

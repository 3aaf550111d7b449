using System.Text;
using CsvHelper;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Rejections;

namespace Scheduler.Dataflows.Sources;

/// <summary>Reads a CSV file one record at a time and types each record by the source's column definitions.</summary>
internal sealed class CsvRowSource : IDisposable
{
    /// <summary>Guards against an unclosed quote making the reader buffer the rest of a large file as one record.</summary>
    private const int MaxRecordBytes = 16 * 1024 * 1024;

    private readonly CsvReader _reader;
    private readonly string _path;
    private readonly IReadOnlyList<ColumnDefinition> _columns;
    private readonly int[] _fieldIndexes;
    private readonly int _expectedFieldCount;

    private CsvRowSource(CsvReader reader, string path, IReadOnlyList<ColumnDefinition> columns, int[] fieldIndexes, int expectedFieldCount)
    {
        _reader = reader;
        _path = path;
        _columns = columns;
        _fieldIndexes = fieldIndexes;
        _expectedFieldCount = expectedFieldCount;
    }

    /// <summary>The 1-based physical line where the current record starts.</summary>
    public long LineNumber => _reader.LineNumber;

    public static CsvRowSource Open(SourceDefinition source, string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!File.Exists(path))
        {
            throw new DataflowException($"The input file '{path}' does not exist.");
        }

        var options = new CsvReaderOptions
        {
            Separator = source.Delimiter[0],
            HasHeader = source.HasHeader,
            TrackLineNumbers = true,
            MaxRecordSize = MaxRecordBytes,
            DetectSeparatorHint = false,
        };

        CsvReader reader;
        try
        {
            reader = CsvReader.FromFile(path, options);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataflowException($"The input file '{path}' cannot be read: {exception.Message}", exception);
        }

        try
        {
            if (!source.HasHeader)
            {
                return new CsvRowSource(reader, path, source.Columns, [.. Enumerable.Range(0, source.Columns.Count)], source.Columns.Count);
            }

            var headers = ReadHeaders(reader, path);
            var indexes = new int[source.Columns.Count];
            var missing = new List<string>();
            for (var i = 0; i < source.Columns.Count; i++)
            {
                indexes[i] = IndexOf(headers, source.Columns[i].Name);
                if (indexes[i] < 0)
                {
                    missing.Add(source.Columns[i].Name);
                }
            }

            if (missing.Count > 0)
            {
                throw new DataflowException(
                    $"The header of '{path}' has no column {string.Join(", ", missing.Select(m => $"'{m}'"))}; " +
                    $"it has: {(headers.Count == 0 ? "(none, the file is empty)" : string.Join(", ", headers))}.");
            }

            return new CsvRowSource(reader, path, source.Columns, indexes, headers.Count);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Moves to the next record; false at the end of the file.</summary>
    public bool Read()
    {
        try
        {
            return _reader.Read();
        }
        catch (CsvFormatException exception)
        {
            throw new DataflowException($"'{_path}' is not valid CSV near line {exception.LineNumber}: {exception.Message}", exception);
        }
    }

    /// <summary>Fills <paramref name="values"/> (one per defined column) from the current record, or says why it is rejected.</summary>
    public RowRejection? ParseCurrent(object?[] values)
    {
        if (_reader.FieldCount != _expectedFieldCount)
        {
            return new RowRejection(LineNumber, null, $"expected {_expectedFieldCount} fields, found {_reader.FieldCount}", RawRecord());
        }

        for (var i = 0; i < _columns.Count; i++)
        {
            var reason = ColumnValueParser.TryParse(_columns[i], _reader.GetSpan(_fieldIndexes[i]), out values[i]);
            if (reason is not null)
            {
                return new RowRejection(LineNumber, _columns[i].Name, reason, RawRecord());
            }
        }

        return null;
    }

    public void Dispose() => _reader.Dispose();

    private string RawRecord() => Encoding.UTF8.GetString(_reader.RawRecord);

    private static IReadOnlyList<string> ReadHeaders(CsvReader reader, string path)
    {
        try
        {
            reader.ReadHeader();
            return reader.Headers;
        }
        catch (CsvFormatException exception)
        {
            throw new DataflowException($"The header of '{path}' is not valid CSV: {exception.Message}", exception);
        }
    }

    private static int IndexOf(IReadOnlyList<string> headers, string name)
    {
        for (var i = 0; i < headers.Count; i++)
        {
            if (string.Equals(headers[i].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                return i;
            }
        }

        return -1;
    }
}

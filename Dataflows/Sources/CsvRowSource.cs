using System.Globalization;
using System.Text;
using CsvHelper;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Rejections;

namespace Scheduler.Dataflows.Sources;

/// <summary>Reads a delimited file as a stream of records and types each record by the source's column definitions.</summary>
internal sealed class CsvRowSource : IRowSource, IRecordTyper
{
    /// <summary>Guards against an unclosed quote making the reader buffer the rest of a large file as one record.</summary>
    private const int MaxRecordBytes = 16 * 1024 * 1024;

    /// <summary>
    /// Typing (numbers, timestamps, strings) and transforms take most of the loader's CPU; on two threads the loader keeps
    /// ahead of PostgreSQL on a 2-core machine (docs/measurements.md: 1.18x the rows/s of psql's \copy against 1.09x on one thread).
    /// </summary>
    private const int ParsingThreads = 2;

    private readonly CsvReader _reader;
    private readonly string _path;
    private readonly SourceDefinition _source;
    private readonly ColumnValueParser[] _parsers;
    private readonly int[] _fieldIndexes;
    private readonly int _expectedFieldCount;
    private readonly int _skippedLines;

    private CsvRowSource(CsvReader reader, string path, SourceDefinition source, int[] fieldIndexes, int expectedFieldCount, int skippedLines)
    {
        _reader = reader;
        _path = path;
        _source = source;
        _fieldIndexes = fieldIndexes;
        _expectedFieldCount = expectedFieldCount;
        _skippedLines = skippedLines;
        var culture = source.Culture is null ? null : CultureInfo.GetCultureInfo(source.Culture);
        _parsers = [.. source.Columns.Select(c => new ColumnValueParser(c, culture, source.NullValues))];
    }

    public string Description => _path;

    public IReadOnlyList<ColumnDefinition> Columns => _source.Columns;

    public static CsvRowSource Open(SourceDefinition source, string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!SourceEncodings.TryGet(source.Encoding, out var encoding))
        {
            throw new DataflowException($"Unknown encoding '{source.Encoding}'; valid: {string.Join(", ", SourceEncodings.Names)}.");
        }

        CsvReader reader;
        try
        {
            reader = OpenReader(source, path, encoding);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidDataException)
        {
            throw new DataflowException($"The input file '{path}' cannot be read: {exception.Message}", exception);
        }

        try
        {
            if (!source.HasHeader)
            {
                return new CsvRowSource(reader, path, source, [.. Enumerable.Range(0, source.Columns.Count)], source.Columns.Count, source.SkipLines);
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

            return new CsvRowSource(reader, path, source, indexes, headers.Count, source.SkipLines);
        }
        catch
        {
            reader.Dispose();
            throw;
        }
    }

    /// <summary>Maps the remaining records with <paramref name="map"/>, on <see cref="ParsingThreads"/> threads at once, and returns the results in input order.</summary>
    public IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map)
    {
        using var records = _reader.ParallelEnumerate(reader => map(new SourceRecord(this, reader)), ParsingThreads).GetEnumerator();
        while (MoveNext(records))
        {
            yield return records.Current;
        }
    }

    /// <summary>Fills <paramref name="values"/> (one per defined column) from the record, or says why it is rejected.</summary>
    internal RowRejection? Parse(CsvReader record, object?[] values)
    {
        var fieldCount = record.FieldCount;
        if (fieldCount != _expectedFieldCount
            && (fieldCount > _expectedFieldCount ? _source.ExtraFields : _source.MissingFields) == FieldCountHandling.Reject)
        {
            return Reject(record, null, $"expected {_expectedFieldCount} fields, found {fieldCount}");
        }

        for (var i = 0; i < _parsers.Length; i++)
        {
            var index = _fieldIndexes[i];
            var reason = index < fieldCount ? _parsers[i].TryParse(record, index, out values[i]) : _parsers[i].Missing(out values[i]);
            if (reason is not null)
            {
                return Reject(record, _source.Columns[i].Name, reason);
            }
        }

        return null;
    }

    /// <summary>The 1-based physical line where the record starts.</summary>
    internal long LineNumber(CsvReader record) => record.LineNumber + _skippedLines;

    /// <summary>A rejection of the record, with its line and raw text.</summary>
    internal RowRejection Reject(CsvReader record, string? column, string reason) =>
        new(LineNumber(record), column, reason, Encoding.UTF8.GetString(record.RawRecord));

    long IRecordTyper.LineNumber(object record) => LineNumber((CsvReader)record);

    RowRejection? IRecordTyper.Parse(object record, object?[] values) => Parse((CsvReader)record, values);

    RowRejection IRecordTyper.Reject(object record, string? column, string reason) => Reject((CsvReader)record, column, reason);

    /// <summary>Never: a CSV record is the reader's current line, not an array of fields.</summary>
    object?[]? IRecordTyper.FieldsToTypeInPlace(object record, int width) => null;

    public void Dispose() => _reader.Dispose();

    private bool MoveNext<T>(IEnumerator<T> records)
    {
        try
        {
            return records.MoveNext();
        }
        catch (CsvFormatException exception)
        {
            throw new DataflowException($"'{_path}' is not valid CSV near line {exception.LineNumber + _skippedLines}: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            throw new DataflowException($"The input file '{_path}' cannot be read: {exception.Message}", exception);
        }
    }

    private static CsvReader OpenReader(SourceDefinition source, string path, Encoding encoding)
    {
        var quote = source.Quote[0];
        var escape = source.Escape is { Length: 1 } e ? e[0] : quote;
        var options = new CsvReaderOptions
        {
            Separator = source.Delimiter[0],
            Quote = quote,
            Escape = escape,
            Mode = escape == quote ? CsvMode.Rfc4180 : CsvMode.Escape,
            HasHeader = source.HasHeader,
            TrackLineNumbers = true,
            PoolStrings = true,
            MaxRecordSize = MaxRecordBytes,
            DetectSeparatorHint = false,
            TrimWhitespace = source.Trim,
            CommentPrefix = source.Comment is { Length: 1 } comment ? comment[0] : null,
            Encoding = SourceEncodings.IsUtf8(encoding) ? null : encoding,
        };

        var stream = SourceFiles.OpenRead(path);
        try
        {
            if (source.SkipLines == 0)
            {
                return CsvReader.Create(stream, options, leaveOpen: false);
            }

            // Lines are skipped as text, so that a skipped title line with an odd quote cannot confuse the CSV parser.
            var text = new StreamReader(stream, encoding, detectEncodingFromByteOrderMarks: true, SourceFiles.BufferBytes);
            for (var i = 0; i < source.SkipLines && text.ReadLine() is not null; i++)
            {
            }

            return CsvReader.Create(text, options with { Encoding = null }, leaveOpen: false);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

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

using System.Text;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Reads a fixed-width text file: each column is the characters from its <c>start</c> (1-based) for its
/// <c>length</c>, typed as a CSV field is. A field past the end of a short line is null; characters past the last
/// column are ignored. Lines are split on line breaks as bytes, so the encoding is UTF-8 or Latin-1.
/// </summary>
internal sealed class FixedWidthRowSource : IRowSource
{
    private readonly LineReader _lines;
    private readonly SourceDefinition _source;
    private readonly Encoding _encoding;
    private readonly ValueRecordTyper _typer;

    private FixedWidthRowSource(LineReader lines, SourceDefinition source, Encoding encoding, string path)
    {
        _lines = lines;
        _source = source;
        _encoding = encoding;
        _typer = new ValueRecordTyper(source, source.Columns);
        Description = path;
    }

    public string Description { get; }

    public IReadOnlyList<ColumnDefinition> Columns => _source.Columns;

    /// <summary>Whether lines of this encoding can be split on the byte of a line feed.</summary>
    public static bool ReadsEncoding(Encoding encoding) => SourceEncodings.IsUtf8(encoding) || encoding.CodePage == 28591;

    public static FixedWidthRowSource Open(SourceDefinition source, string path)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!SourceEncodings.TryGet(source.Encoding, out var encoding) || !ReadsEncoding(encoding))
        {
            throw new DataflowException($"A FixedWidth source reads utf-8 or latin1, not '{source.Encoding}'.");
        }

        return new(new LineReader(SourceFiles.OpenRead(path), path), source, encoding, path);
    }

    public IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map)
    {
        while (_lines.TryReadLine(out var bytes))
        {
            if (_lines.LineNumber <= _source.SkipLines)
            {
                continue;
            }

            var line = _encoding.GetString(_lines.LineNumber == 1 && bytes.StartsWith("\uFEFF"u8) ? bytes[3..] : bytes);
            if (line.Length == 0 || (_source.Comment is { Length: 1 } comment && line[0] == comment[0]))
            {
                continue;
            }

            yield return map(new SourceRecord(_typer, new ValueRecord(_lines.LineNumber, Fields(line), line)));
        }
    }

    public void Dispose() => _lines.Dispose();

    private object?[] Fields(string line)
    {
        var fields = new object?[_source.Columns.Count];
        for (var i = 0; i < fields.Length; i++)
        {
            var start = _source.Columns[i].Start!.Value - 1;
            if (start < line.Length)
            {
                var field = line.AsSpan(start, Math.Min(_source.Columns[i].Length!.Value, line.Length - start));
                fields[i] = (_source.Trim ? field.Trim(" \t") : field).ToString();
            }
        }

        return fields;
    }
}

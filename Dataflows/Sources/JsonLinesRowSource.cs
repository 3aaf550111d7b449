using System.Text;
using System.Text.Json;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Reads a JSON Lines file (UTF-8, one JSON object per line) and takes each column from the property of the same
/// name (case-insensitive; others are ignored, a missing one is null). Scalars are typed as CSV fields are (a number's
/// text, <c>true</c>/<c>false</c>, a string); a nested object or array is its JSON text for a string column and a
/// rejection for any other. A line that is not a JSON object is rejected; blank lines are skipped.
/// </summary>
internal sealed class JsonLinesRowSource : IRowSource
{
    /// <summary>Deeper nesting is refused by the parser before it recurses further.</summary>
    public const int MaxDepth = 64;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = MaxDepth };

    private readonly LineReader _lines;
    private readonly SourceDefinition _source;
    private readonly Dictionary<string, int> _indexes;
    private readonly ValueRecordTyper _typer;

    private JsonLinesRowSource(LineReader lines, SourceDefinition source, string path)
    {
        _lines = lines;
        _source = source;
        _indexes = source.Columns.Select((c, i) => (c.Name, i)).ToDictionary(c => c.Name, c => c.i, StringComparer.OrdinalIgnoreCase);
        _typer = new ValueRecordTyper(source, source.Columns);
        Description = path;
    }

    public string Description { get; }

    public IReadOnlyList<ColumnDefinition> Columns => _source.Columns;

    public static JsonLinesRowSource Open(SourceDefinition source, string path) => new(new LineReader(SourceFiles.OpenRead(path), path), source, path);

    public IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map)
    {
        while (_lines.TryReadLine(out var line))
        {
            if (line.Trim(" \t"u8).IsEmpty)
            {
                continue;
            }

            var record = Read(line, _lines.LineNumber);
            yield return map(new SourceRecord(_typer, record));
        }
    }

    public void Dispose() => _lines.Dispose();

    private ValueRecord Read(ReadOnlySpan<byte> line, long lineNumber)
    {
        // A UTF-8 BOM may start the first line.
        var raw = Encoding.UTF8.GetString(lineNumber == 1 && line.StartsWith("\uFEFF"u8) ? line[3..] : line);
        var fields = new object?[_indexes.Count];
        try
        {
            using var document = JsonDocument.Parse(raw, Options);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return Unreadable(lineNumber, raw, $"the line is a JSON {document.RootElement.ValueKind.ToString().ToLowerInvariant()}, not an object");
            }

            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (_indexes.TryGetValue(property.Name, out var index))
                {
                    fields[index] = Field(property.Value);
                }
            }
        }
        catch (JsonException exception)
        {
            return Unreadable(lineNumber, raw, $"the line is not valid JSON: {exception.Message.Split(" LineNumber:", 2)[0]}");
        }

        return new ValueRecord(lineNumber, fields, raw);
    }

    private static object? Field(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => value.GetString(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number => value.GetRawText(),
        _ => new NestedJson(value.GetRawText()),
    };

    private static ValueRecord Unreadable(long lineNumber, string raw, string reason) => new(lineNumber, [], raw) { Problem = reason };

    /// <summary>An object or array: its JSON text in a string column, and not a value of any other type.</summary>
    private sealed record NestedJson(string Json)
    {
        public override string ToString() => Json;
    }
}

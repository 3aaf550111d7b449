using System.Text.Encodings.Web;
using System.Text.Json;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// Writes one JSON object per line, made visible only when the run succeeds. Numbers and bools stay JSON numbers and
/// bools; dates and timestamps are ISO 8601 strings; text is escaped for JSON, not for HTML; a double that JSON cannot hold (NaN, infinity) is a string.
/// </summary>
internal sealed class JsonLinesFileDestination : FileDestination
{
    private readonly Utf8JsonWriter _writer;
    private readonly JsonEncodedText[] _names;

    private JsonLinesFileDestination(TemporaryOutputFile file, Utf8JsonWriter writer, IReadOnlyList<ColumnDefinition> columns)
        : base(file, writer)
    {
        _writer = writer;
        _names = [.. columns.Select(c => JsonEncodedText.Encode(c.Name))];
    }

    public override string Description => $"JSON Lines file {File.TargetPath}";

    public static JsonLinesFileDestination Open(string targetPath, IReadOnlyList<ColumnDefinition> columns)
    {
        var file = TemporaryOutputFile.Create(targetPath);
        var writer = new Utf8JsonWriter(file.Stream, new JsonWriterOptions { SkipValidation = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        return new JsonLinesFileDestination(file, writer, columns);
    }

    protected override void Write(object?[] values)
    {
        _writer.WriteStartObject();
        for (var i = 0; i < _names.Length; i++)
        {
            _writer.WritePropertyName(_names[i]);
            WriteValue(values[i]);
        }

        _writer.WriteEndObject();
        _writer.Flush();
        _writer.Reset();
        File.Stream.WriteByte((byte)'\n');
    }

    private void WriteValue(object? value)
    {
        switch (value)
        {
            case null:
                _writer.WriteNullValue();
                break;
            case string text:
                _writer.WriteStringValue(text);
                break;
            case int number:
                _writer.WriteNumberValue(number);
                break;
            case long number:
                _writer.WriteNumberValue(number);
                break;
            case decimal number:
                _writer.WriteNumberValue(number);
                break;
            case double number when double.IsFinite(number):
                _writer.WriteNumberValue(number);
                break;
            case bool flag:
                _writer.WriteBooleanValue(flag);
                break;
            case Guid guid:
                _writer.WriteStringValue(guid);
                break;
            default:
                _writer.WriteStringValue(CsvFileDestination.Format(value));
                break;
        }
    }
}

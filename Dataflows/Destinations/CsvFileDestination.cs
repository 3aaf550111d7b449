using System.Globalization;
using CsvHelper;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>Writes accepted rows to a CSV file with a header, made visible only when the run succeeds.</summary>
internal sealed class CsvFileDestination : FileDestination
{
    private readonly CsvWriter _writer;
    private const string DateFormat = "yyyy-MM-dd";

    private readonly int _fieldCount;

    private CsvFileDestination(TemporaryOutputFile file, CsvWriter writer, int fieldCount)
        : base(file, writer)
    {
        _writer = writer;
        _fieldCount = fieldCount;
    }

    public override string Description => $"CSV file {File.TargetPath}";

    public static CsvFileDestination Open(string targetPath, IReadOnlyList<ColumnDefinition> columns)
    {
        var file = TemporaryOutputFile.Create(targetPath);
        var writer = CsvWriter.Create(file.Stream, leaveOpen: true);
        writer.WriteRecord(columns.Select(c => c.Name).ToArray());
        return new CsvFileDestination(file, writer, columns.Count);
    }

    protected override void Write(object?[] values)
    {
        // Numbers, dates and timestamps are formatted straight into the writer's buffer: a string per value took a
        // large share of an export's CPU. The text is the same as Format's.
        Span<char> timestampText = stackalloc char[TimestampText.MaxLength];
        for (var i = 0; i < _fieldCount; i++)
        {
            switch (values[i])
            {
                case string text:
                    _writer.WriteField(text);
                    break;
                case int number:
                    _writer.WriteField(number, default, CultureInfo.InvariantCulture);
                    break;
                case long number:
                    _writer.WriteField(number, default, CultureInfo.InvariantCulture);
                    break;
                case decimal number:
                    _writer.WriteField(number, default, CultureInfo.InvariantCulture);
                    break;
                case DateOnly date:
                    _writer.WriteField(date, DateFormat, CultureInfo.InvariantCulture);
                    break;
                case DateTime timestamp:
                    _writer.WriteField(timestampText[..TimestampText.Format(timestamp, timestampText)]);
                    break;
                case DateTimeOffset instant:
                    _writer.WriteField(timestampText[..TimestampText.Format(instant, timestampText)]);
                    break;
                case var other:
                    _writer.WriteField(Format(other));
                    break;
            }
        }

        _writer.EndRecord();
    }

    /// <summary>Invariant text that the CSV source reads back as the same value (timestamps keep their offset).</summary>
    internal static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        DateOnly date => date.ToString(DateFormat, CultureInfo.InvariantCulture),
        DateTime timestamp => TimestampText.Format(timestamp),
        DateTimeOffset instant => TimestampText.Format(instant),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

using System.Globalization;
using CsvHelper;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>Writes accepted rows to a CSV file with a header, made visible only when the run succeeds.</summary>
internal sealed class CsvFileDestination : FileDestination
{
    private readonly CsvWriter _writer;
    private readonly string[] _fields;

    private CsvFileDestination(TemporaryOutputFile file, CsvWriter writer, int fieldCount)
        : base(file, writer)
    {
        _writer = writer;
        _fields = new string[fieldCount];
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
        for (var i = 0; i < _fields.Length; i++)
        {
            _fields[i] = Format(values[i]);
        }

        _writer.WriteRecord(_fields);
    }

    /// <summary>Invariant text that the CSV source reads back as the same value (timestamps keep their offset).</summary>
    internal static string Format(object? value) => value switch
    {
        null => "",
        string text => text,
        bool flag => flag ? "true" : "false",
        DateOnly date => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime timestamp => timestamp.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset instant => instant.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}

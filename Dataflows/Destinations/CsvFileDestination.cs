using System.Globalization;
using CsvHelper;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>Writes accepted rows to a temporary file next to the target, renamed over it only when the run succeeds.</summary>
internal sealed class CsvFileDestination : IRowDestination
{
    private readonly string _targetPath;
    private readonly string _temporaryPath;
    private readonly string[] _fields;
    private CsvWriter? _writer;
    private bool _completed;

    private CsvFileDestination(string targetPath, string temporaryPath, CsvWriter writer, int fieldCount)
    {
        _targetPath = targetPath;
        _temporaryPath = temporaryPath;
        _writer = writer;
        _fields = new string[fieldCount];
    }

    public string Description => $"CSV file {_targetPath}";

    public static CsvFileDestination Open(string targetPath, IReadOnlyList<ColumnDefinition> columns)
    {
        var directory = Path.GetDirectoryName(targetPath)!;
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(targetPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            var writer = CsvWriter.Create(new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None));
            writer.WriteRecord(columns.Select(c => c.Name).ToArray());
            return new CsvFileDestination(targetPath, temporaryPath, writer, columns.Count);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            File.Delete(temporaryPath);
            throw new DataflowException($"Cannot write the output file '{targetPath}': {exception.Message}", exception);
        }
    }

    public ValueTask WriteAsync(object?[] values, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_writer is null, this);
        for (var i = 0; i < _fields.Length; i++)
        {
            _fields[i] = Format(values[i]);
        }

        try
        {
            _writer.WriteRecord(_fields);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataflowException($"Cannot write the output file '{_targetPath}': {exception.Message}", exception);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<string?> CompleteAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_writer is null, this);
        try
        {
            await _writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
            File.Move(_temporaryPath, _targetPath, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataflowException($"Cannot write the output file '{_targetPath}': {exception.Message}", exception);
        }

        _completed = true;
        return _targetPath;
    }

    public async ValueTask DisposeAsync()
    {
        if (_writer is not null)
        {
            await _writer.DisposeAsync().ConfigureAwait(false);
            _writer = null;
        }

        if (!_completed)
        {
            File.Delete(_temporaryPath);
        }
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

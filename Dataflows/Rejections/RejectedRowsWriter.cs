using System.Globalization;
using CsvHelper;

namespace Scheduler.Dataflows.Rejections;

/// <summary>Writes rejected rows to a CSV file (<c>line,column,reason,raw</c>), created at the first rejection only.</summary>
internal sealed class RejectedRowsWriter(string path) : IDisposable
{
    public const string FileName = "rejected-rows.csv";

    private CsvWriter? _writer;

    public string Path { get; } = path;
    public long Count { get; private set; }
    public RowRejection? First { get; private set; }

    public void Write(RowRejection rejection)
    {
        if (_writer is null)
        {
            _writer = CsvWriter.Create(new FileStream(Path, FileMode.Create, FileAccess.Write, FileShare.Read));
            _writer.WriteRecord(["line", "column", "reason", "raw"]);
        }

        _writer.WriteRecord([rejection.Line.ToString(CultureInfo.InvariantCulture), rejection.Column ?? "", rejection.Reason, rejection.Raw]);
        Count++;
        First ??= rejection;
    }

    public void Dispose()
    {
        _writer?.Dispose();
        _writer = null;
    }
}

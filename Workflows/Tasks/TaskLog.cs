using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Tasks;

internal static partial class TaskLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Dataflow {Dataflow} over {FilePath} read {RowsRead} rows, wrote {RowsWritten}, rejected {RowsRejected}")]
    public static partial void LogDataflowDone(this ILogger logger, string dataflow, string filePath, long rowsRead, long rowsWritten, long rowsRejected);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Dataflow {Dataflow} over {FilePath} was already loaded by an earlier run of this job (committed {LoadedAt:O}): not loaded again; its recorded counts: read {RowsRead} rows, wrote {RowsWritten}, rejected {RowsRejected}")]
    public static partial void LogDataflowLoadedBefore(this ILogger logger, string dataflow, string filePath, DateTimeOffset loadedAt, long rowsRead, long rowsWritten, long rowsRejected);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Task}: {Expression} is {Value}")]
    public static partial void LogDecision(this ILogger logger, string task, string expression, bool value);
}

using Microsoft.Extensions.Logging;

namespace Scheduler.Dataflows;

internal static partial class DataflowLog
{
    [LoggerMessage(EventId = 1, EventName = "DataflowStarted", Level = LogLevel.Information, Message = "Dataflow {Dataflow} started: {Source} into {Destination}")]
    public static partial void LogDataflowStarted(this ILogger logger, string dataflow, string source, string destination);

    [LoggerMessage(
        EventId = 2,
        EventName = "DataflowFinished",
        Level = LogLevel.Information,
        Message = "Dataflow {Dataflow} finished in {ElapsedMilliseconds} ms: {RowsRead} rows read, {RowsWritten} written, {RowsRejected} rejected, {RowsFiltered} filtered out")]
    public static partial void LogDataflowFinished(this ILogger logger, string dataflow, long elapsedMilliseconds, long rowsRead, long rowsWritten, long rowsRejected, long rowsFiltered);

    [LoggerMessage(
        EventId = 3,
        EventName = "DataflowTooManyRejected",
        Level = LogLevel.Warning,
        Message = "Dataflow {Dataflow} stopped after {ElapsedMilliseconds} ms: {RowsRejected} rows rejected, nothing loaded")]
    public static partial void LogDataflowTooManyRejected(this ILogger logger, string dataflow, long elapsedMilliseconds, long rowsRejected);
}

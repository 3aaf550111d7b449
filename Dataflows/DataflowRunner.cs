using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Destinations;
using Scheduler.Dataflows.Rejections;
using Scheduler.Dataflows.Sources;

namespace Scheduler.Dataflows;

/// <summary>
/// Runs a dataflow: streams the input file record by record, rejects the rows that do not fit the definition and
/// loads the others. Memory does not grow with the file: one record is held at a time.
/// </summary>
public sealed class DataflowRunner(IDatabaseConnections connections, ILogger<DataflowRunner> logger)
{
    private static readonly Action<ILogger, string, string, string, Exception?> LogStarted = LoggerMessage.Define<string, string, string>(
        LogLevel.Information, new EventId(1, "DataflowStarted"), "Dataflow {Dataflow} started: {InputFile} into {Destination}");

    private static readonly Action<ILogger, string, long, long, long, long, Exception?> LogFinished = LoggerMessage.Define<string, long, long, long, long>(
        LogLevel.Information,
        new EventId(2, "DataflowFinished"),
        "Dataflow {Dataflow} finished in {ElapsedMilliseconds} ms: {RowsRead} rows read, {RowsWritten} written, {RowsRejected} rejected");

    private static readonly Action<ILogger, string, long, long, Exception?> LogTooManyRejected = LoggerMessage.Define<string, long, long>(
        LogLevel.Warning,
        new EventId(3, "DataflowTooManyRejected"),
        "Dataflow {Dataflow} stopped after {ElapsedMilliseconds} ms: {RowsRejected} rows rejected, nothing loaded");

    public async Task<DataflowResult> RunAsync(DataflowRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definition = request.Definition;
        var started = Stopwatch.GetTimestamp();
        var workingDirectory = Path.GetFullPath(request.WorkingDirectory);
        var inputPath = Path.GetFullPath(request.InputFilePath, workingDirectory);
        Directory.CreateDirectory(workingDirectory);

        using var source = CsvRowSource.Open(definition.Source, inputPath);
        await using var destination = await OpenDestinationAsync(definition, workingDirectory, cancellationToken).ConfigureAwait(false);
        using var rejections = new RejectedRowsWriter(Path.Combine(workingDirectory, RejectedRowsWriter.FileName));
        LogStarted(logger, definition.Name, inputPath, destination.Description, null);

        var values = new object?[definition.Source.Columns.Count];
        long rowsRead = 0;
        long rowsWritten = 0;
        while (source.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            rowsRead++;
            var rejection = source.ParseCurrent(values);
            if (rejection is null)
            {
                await destination.WriteAsync(values, cancellationToken).ConfigureAwait(false);
                rowsWritten++;
                continue;
            }

            rejections.Write(rejection);
            if (rejections.Count > definition.MaxErrors)
            {
                rejections.Dispose();
                LogTooManyRejected(logger, definition.Name, ElapsedMilliseconds(started), rejections.Count, null);
                throw new DataflowException(
                    $"{rejections.Count} {(rejections.Count == 1 ? "row" : "rows")} rejected, more than maxErrors ({definition.MaxErrors}); nothing was loaded. " +
                    $"First: {rejections.First!.Describe()}. See {rejections.Path}");
            }
        }

        rejections.Dispose();
        var outputPath = await destination.CompleteAsync(cancellationToken).ConfigureAwait(false);
        LogFinished(logger, definition.Name, ElapsedMilliseconds(started), rowsRead, rowsWritten, rejections.Count, null);
        return new DataflowResult(rowsRead, rowsWritten, rejections.Count, rejections.Count > 0 ? rejections.Path : null, outputPath);
    }

    private async Task<IRowDestination> OpenDestinationAsync(DataflowDefinition definition, string workingDirectory, CancellationToken cancellationToken)
    {
        var destination = definition.Destination;
        var columns = definition.Source.Columns;
        return destination.Type switch
        {
            DestinationType.PostgreSql => await PostgreSqlDestination.OpenAsync(destination, columns, connections, cancellationToken).ConfigureAwait(false),
            DestinationType.CsvFile when !string.IsNullOrWhiteSpace(destination.Path) =>
                CsvFileDestination.Open(Path.GetFullPath(destination.Path, workingDirectory), columns),
            DestinationType.CsvFile => throw new DataflowException("The CsvFile destination has no path."),
            _ => throw new DataflowException($"Destination type '{destination.Type}' is not supported."),
        };
    }

    private static long ElapsedMilliseconds(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

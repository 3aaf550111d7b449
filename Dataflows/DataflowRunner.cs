using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Destinations;
using Scheduler.Dataflows.Rejections;
using Scheduler.Dataflows.Sources;
using Scheduler.Dataflows.Transforms;

namespace Scheduler.Dataflows;

/// <summary>
/// Runs a dataflow: streams the input file record by record, types it, passes it through the transforms, rejects
/// the rows that do not fit and loads the others. Memory does not grow with the file: one record is held at a time.
/// </summary>
public sealed class DataflowRunner(IDatabaseConnections connections, ILogger<DataflowRunner> logger)
{
    private static readonly Action<ILogger, string, string, string, Exception?> LogStarted = LoggerMessage.Define<string, string, string>(
        LogLevel.Information, new EventId(1, "DataflowStarted"), "Dataflow {Dataflow} started: {InputFile} into {Destination}");

    private static readonly Action<ILogger, string, long, long, long, long, long, Exception?> LogFinished = LoggerMessage.Define<string, long, long, long, long, long>(
        LogLevel.Information,
        new EventId(2, "DataflowFinished"),
        "Dataflow {Dataflow} finished in {ElapsedMilliseconds} ms: {RowsRead} rows read, {RowsWritten} written, {RowsRejected} rejected, {RowsFiltered} filtered out");

    private static readonly Action<ILogger, string, long, long, Exception?> LogTooManyRejected = LoggerMessage.Define<string, long, long>(
        LogLevel.Warning,
        new EventId(3, "DataflowTooManyRejected"),
        "Dataflow {Dataflow} stopped after {ElapsedMilliseconds} ms: {RowsRejected} rows rejected, nothing loaded");

    public async Task<DataflowResult> RunAsync(DataflowRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definition = request.Definition;
        var started = Stopwatch.GetTimestamp();
        var plan = DataflowPlan.Create(definition);
        var workingDirectory = Path.GetFullPath(request.WorkingDirectory);
        var inputPath = Path.GetFullPath(request.InputFilePath, workingDirectory);
        Directory.CreateDirectory(workingDirectory);

        using var source = CsvRowSource.Open(definition.Source, inputPath);
        await using var destination = await OpenDestinationAsync(definition.Destination, plan.OutputColumns, workingDirectory, cancellationToken).ConfigureAwait(false);
        using var rejections = new RejectedRowsWriter(Path.Combine(workingDirectory, RejectedRowsWriter.FileName));
        LogStarted(logger, definition.Name, inputPath, destination.Description, null);

        var buffer = new object?[plan.RowWidth];
        var transforms = plan.Transforms;
        long rowsRead = 0;
        long rowsWritten = 0;
        long rowsFiltered = 0;
        while (source.Read())
        {
            cancellationToken.ThrowIfCancellationRequested();
            rowsRead++;
            var rejection = source.ParseCurrent(buffer);
            if (rejection is null)
            {
                var row = buffer;
                var verdict = TransformVerdict.Keep;
                for (var i = 0; i < transforms.Count && verdict.Outcome == TransformOutcome.Keep; i++)
                {
                    verdict = transforms[i].Apply(ref row);
                }

                switch (verdict.Outcome)
                {
                    case TransformOutcome.Keep:
                        await destination.WriteAsync(row, cancellationToken).ConfigureAwait(false);
                        rowsWritten++;
                        continue;
                    case TransformOutcome.Drop:
                        rowsFiltered++;
                        continue;
                    default:
                        rejection = source.Reject(verdict.Column, verdict.Reason!);
                        break;
                }
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
        LogFinished(logger, definition.Name, ElapsedMilliseconds(started), rowsRead, rowsWritten, rejections.Count, rowsFiltered, null);
        return new DataflowResult(rowsRead, rowsWritten, rejections.Count, rejections.Count > 0 ? rejections.Path : null, outputPath) { RowsFiltered = rowsFiltered };
    }

    private async Task<IRowDestination> OpenDestinationAsync(
        DestinationDefinition destination, IReadOnlyList<ColumnDefinition> columns, string workingDirectory, CancellationToken cancellationToken)
    {
        return destination.Type switch
        {
            DestinationType.PostgreSql => await PostgreSqlDestination.OpenAsync(destination, columns, connections, cancellationToken).ConfigureAwait(false),
            DestinationType.CsvFile => CsvFileDestination.Open(OutputPath(destination, workingDirectory), columns),
            DestinationType.JsonLinesFile => JsonLinesFileDestination.Open(OutputPath(destination, workingDirectory), columns),
            _ => throw new DataflowException($"Destination type '{destination.Type}' is not supported."),
        };
    }

    private static string OutputPath(DestinationDefinition destination, string workingDirectory) =>
        string.IsNullOrWhiteSpace(destination.Path)
            ? throw new DataflowException($"The {destination.Type} destination has no path.")
            : Path.GetFullPath(destination.Path, workingDirectory);

    private static long ElapsedMilliseconds(long started) => (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
}

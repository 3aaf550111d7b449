using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Destinations;
using Scheduler.Dataflows.Rejections;
using Scheduler.Dataflows.Sources;
using Scheduler.Dataflows.Transforms;

namespace Scheduler.Dataflows;

/// <summary>
/// Runs a dataflow: streams the input file (or a query's result) record by record, types it, passes it through the transforms, rejects
/// the rows that do not fit and loads the others, in file order. Memory does not grow with the file: only the
/// records of the batches being typed are held (the source types them on several threads).
/// </summary>
public sealed class DataflowRunner(IDatabaseConnections connections, ILogger<DataflowRunner> logger)
{
    public async Task<DataflowResult> RunAsync(DataflowRunRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var definition = request.Definition;
        var started = Stopwatch.GetTimestamp();
        var log = request.Logger ?? logger;
        var workingDirectory = Path.GetFullPath(request.WorkingDirectory);
        var inputPath = request.InputFilePath is { } input ? Path.GetFullPath(input, workingDirectory) : null;
        Directory.CreateDirectory(workingDirectory);
        if (request.Load is { } load && definition.Destination.Type == DestinationType.PostgreSql
            && await PostgreSqlDestination.FindEarlierLoadAsync(definition.Destination, connections, load, cancellationToken) is { } earlier)
        {
            // The rejected rows of that run are where it left them when it ran on this node.
            var rejected = Path.Combine(workingDirectory, RejectedRowsWriter.FileName);
            return earlier with { RejectedRowsPath = earlier.RowsRejected > 0 && File.Exists(rejected) ? rejected : null };
        }

        using var source = await RowSources.OpenAsync(definition.Source, request, inputPath, connections, cancellationToken);

        // After the source is open: a query source without declared columns has its result's.
        var plan = DataflowPlan.Create(definition with { Source = definition.Source with { Columns = source.Columns } }, request.Context);
        await using var destination = await OpenDestinationAsync(definition.Destination, plan.OutputColumns, workingDirectory, request.Load, cancellationToken);
        using var rejections = new RejectedRowsWriter(Path.Combine(workingDirectory, RejectedRowsWriter.FileName));
        log.LogDataflowStarted(definition.Name, source.Description, destination.Description);

        IRowTransform[] transforms = definition.Destination.Type == DestinationType.PostgreSql
            ? [.. plan.Transforms, new StorableTextCheck(plan.OutputColumns)]
            : [.. plan.Transforms];
        var rowWidth = plan.RowWidth;

        // A derived column may replace a source column's value, which a later rejection would then show as the raw text.
        var typeInPlace = !transforms.OfType<DeriveTransform>().Any();
        long rowsRead = 0;
        long rowsWritten = 0;
        long rowsFiltered = 0;
        foreach (var row in source.ReadRecords(record => Process(record, transforms, rowWidth, typeInPlace)))
        {
            cancellationToken.ThrowIfCancellationRequested();
            rowsRead++;
            switch (row.Outcome)
            {
                case TransformOutcome.Keep:
                    await destination.WriteAsync(row.Values!, cancellationToken);
                    rowsWritten++;
                    continue;
                case TransformOutcome.Drop:
                    rowsFiltered++;
                    continue;
            }

            rejections.Write(row.Rejection!);
            if (rejections.Count > definition.MaxErrors)
            {
                rejections.Dispose();
                log.LogDataflowTooManyRejected(definition.Name, ElapsedMilliseconds(started), rejections.Count);
                throw new DataflowException(
                    $"{rejections.Count} {(rejections.Count == 1 ? "row" : "rows")} rejected, more than maxErrors ({definition.MaxErrors}); nothing was loaded. " +
                    $"First: {rejections.First!.Describe()}. See {rejections.Path}");
            }
        }

        rejections.Dispose();
        var counts = new DataflowResult(rowsRead, rowsWritten, rejections.Count, rejections.Count > 0 ? rejections.Path : null, null) { RowsFiltered = rowsFiltered };
        var outputPath = await destination.CompleteAsync(counts, cancellationToken);
        log.LogDataflowFinished(definition.Name, ElapsedMilliseconds(started), rowsRead, rowsWritten, rejections.Count, rowsFiltered);
        return counts with { OutputPath = outputPath };
    }

    /// <summary>Types one record and passes it through the transforms; runs on the source's parsing threads, in no particular order.</summary>
    private static ProcessedRow Process(SourceRecord record, IRowTransform[] transforms, int rowWidth, bool typeInPlace)
    {
        // A row of its own: the destination writes it after the parsing threads have moved on to later records. The
        // record's own fields, where the source allows it, save a copy per row.
        var row = (typeInPlace ? record.FieldsToTypeInPlace(rowWidth) : null) ?? new object?[rowWidth];
        if (record.Parse(row) is { } rejection)
        {
            return new ProcessedRow(TransformOutcome.Reject, null, rejection);
        }

        var verdict = TransformVerdict.Keep;
        for (var i = 0; i < transforms.Length && verdict.Outcome == TransformOutcome.Keep; i++)
        {
            verdict = transforms[i].Apply(ref row);
        }

        return verdict.Outcome switch
        {
            TransformOutcome.Keep => new ProcessedRow(TransformOutcome.Keep, row, null),
            TransformOutcome.Drop => new ProcessedRow(TransformOutcome.Drop, null, null),
            _ => new ProcessedRow(TransformOutcome.Reject, null, record.Reject(verdict.Column, verdict.Reason!)),
        };
    }

    private async Task<IRowDestination> OpenDestinationAsync(
        DestinationDefinition destination, IReadOnlyList<ColumnDefinition> columns, string workingDirectory, LoadIdentity? load, CancellationToken cancellationToken)
    {
        return destination.Type switch
        {
            DestinationType.PostgreSql => await PostgreSqlDestination.OpenAsync(destination, columns, connections, load, cancellationToken),
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

    /// <summary>A record after typing and transforms: the values to write, or why it is left out.</summary>
    private readonly record struct ProcessedRow(TransformOutcome Outcome, object?[]? Values, RowRejection? Rejection);
}

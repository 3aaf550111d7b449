using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>Opens the source a definition names.</summary>
internal static class RowSources
{
    public static async Task<IRowSource> OpenAsync(SourceDefinition source, DataflowRunRequest request, string? inputPath, IDatabaseConnections connections, CancellationToken cancellationToken) =>
        source.Type switch
        {
            SourceType.PostgreSql => await PostgreSqlRowSource.OpenAsync(source, request.Parameters, connections, cancellationToken),
            SourceType.JsonLines => JsonLinesRowSource.Open(source, InputFile(source, inputPath)),
            SourceType.FixedWidth => FixedWidthRowSource.Open(source, InputFile(source, inputPath)),
            SourceType.Excel => ExcelRowSource.Open(source, InputFile(source, inputPath)),
            _ => CsvRowSource.Open(source, InputFile(source, inputPath)),
        };

    private static string InputFile(SourceDefinition source, string? inputPath) =>
        inputPath ?? throw new DataflowException($"The {source.Type} source needs an input file.");
}

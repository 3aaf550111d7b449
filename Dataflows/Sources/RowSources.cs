using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>Opens the source a definition names.</summary>
internal static class RowSources
{
    public static async Task<IRowSource> OpenAsync(SourceDefinition source, DataflowRunRequest request, string? inputPath, IDatabaseConnections connections, CancellationToken cancellationToken) =>
        source.Type switch
        {
            SourceType.PostgreSql => await PostgreSqlRowSource.OpenAsync(source, request.Parameters, connections, cancellationToken).ConfigureAwait(false),
            _ => CsvRowSource.Open(source, inputPath ?? throw new DataflowException($"The {source.Type} source needs an input file.")),
        };

    /// <summary>Whether the source reads a file (and a run names it) rather than a query.</summary>
    public static bool ReadsFile(SourceDefinition source) => source.Type != SourceType.PostgreSql;
}

using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>Where a dataflow's records come from: a file of some format, or a query.</summary>
internal interface IRowSource : IDisposable
{
    /// <summary>For logs: what is read (a file's path, a query's connection), without secrets.</summary>
    string Description { get; }

    /// <summary>The columns each record is typed into: the definition's, or for a query without them, its result's.</summary>
    IReadOnlyList<ColumnDefinition> Columns { get; }

    /// <summary>
    /// Maps every record with <paramref name="map"/> and returns the results in source order. A source may call
    /// <paramref name="map"/> on several threads at once, so it must be safe to call concurrently.
    /// </summary>
    IEnumerable<T> ReadRecords<T>(Func<SourceRecord, T> map);
}

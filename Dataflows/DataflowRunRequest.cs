using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows;

/// <param name="InputFilePath">The file a file source reads; relative paths are relative to <paramref name="WorkingDirectory"/>. Null for a query source.</param>
/// <param name="WorkingDirectory">Where relative output paths and <c>rejected-rows.csv</c> go.</param>
public sealed record DataflowRunRequest(DataflowDefinition Definition, string? InputFilePath, string WorkingDirectory)
{
    /// <summary>When set, a database destination loads this identity at most once (see <see cref="LoadIdentity"/>).</summary>
    public LoadIdentity? Load { get; init; }

    /// <summary>The job the dataflow runs in, whose values expressions read as <c>Context.member</c>.</summary>
    public RunContext Context { get; init; } = RunContext.None;

    /// <summary>Where the run logs instead of the runner's own logger: one that masks a job's secret values in paths.</summary>
    public ILogger? Logger { get; init; }

    /// <summary>The values of a query source's parameters, by name (case-insensitive); a missing one is null.</summary>
    public IReadOnlyDictionary<string, object?> Parameters { get; init; } = new Dictionary<string, object?>();
}

using System.Diagnostics.CodeAnalysis;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Either a valid definition or every problem found in the document, never both.</summary>
public sealed record DataflowLoadResult(string SourceName, DataflowDefinition? Definition, IReadOnlyList<DefinitionProblem> Problems)
{
    [MemberNotNullWhen(true, nameof(Definition))]
    public bool Succeeded => Definition is not null;

    /// <summary>The problems as lines of text, each prefixed with the source name.</summary>
    public string Describe() => string.Join(Environment.NewLine, Problems.Select(p => $"{SourceName}: {p}"));
}

using System.Diagnostics.CodeAnalysis;

namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// The outcome of reading a definition document (a dataflow, a workflow): the definition, or every problem found in
/// it with its JSON path.
/// </summary>
public sealed record DefinitionLoadResult<T>(T? Definition, IReadOnlyList<DefinitionProblem> Problems)
    where T : class
{
    [MemberNotNullWhen(true, nameof(Definition))]
    public bool IsValid => Definition is not null && Problems.Count == 0;

    /// <summary>
    /// What could be read of a document that has problems, so that what it means is checked too and every problem is
    /// reported at once; it never runs.
    /// </summary>
    public T? Draft { get; init; }

    /// <summary>The problems as lines of text, for messages and test failures.</summary>
    public string Describe() => string.Join(Environment.NewLine, Problems);
}

namespace Scheduler.Dataflows.Definitions;

/// <summary>One thing wrong with a definition, at a JSON path such as <c>$.source.columns[3].type</c>.</summary>
public sealed record DefinitionProblem(string Path, string Message)
{
    public override string ToString() => $"{Path}: {Message}";
}

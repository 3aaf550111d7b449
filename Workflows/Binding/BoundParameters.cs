namespace Scheduler.Workflows.Binding;

/// <summary>Run parameters after binding: typed variable values (defaults applied) and typed task input overrides.</summary>
public sealed record BoundParameters(
    IReadOnlyDictionary<string, object?> Variables,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, object?>> TaskInputs);

/// <summary>What is wrong with the parameter at <paramref name="Index"/> of the request (-1 for the request as a whole).</summary>
public sealed record BindingProblem(int Index, string Field, string Message);

public sealed record BindingResult(BoundParameters? Parameters, IReadOnlyList<BindingProblem> Problems)
{
    public bool IsValid => Problems.Count == 0;
}

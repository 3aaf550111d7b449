namespace Scheduler.Workflows.Binding;

/// <summary>
/// One parameter of a run request, in the vocabulary of the product this service replaces:
/// <paramref name="ActionName"/> names an object of the workflow (<c>Variables</c> or a task),
/// <paramref name="Parameters"/> names its input, and <paramref name="Value"/> is the value as invariant text.
/// </summary>
public sealed record ParameterAssignment(string ActionName, string Parameters, string? Value);

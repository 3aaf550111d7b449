using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Binding;

/// <summary>
/// What a workflow's variables are worth when a run does not set them: their typed default, or nothing. The same for
/// a run request and for a workflow that another one runs, so that a child run sees what a run of its own would see.
/// </summary>
public static class VariableDefaults
{
    /// <summary>The variables of <paramref name="workflow"/> that <paramref name="isSet"/> says nothing about, each with its default (null: none).</summary>
    public static IEnumerable<(VariableDefinition Variable, object? Value)> NotSet(WorkflowDefinition workflow, Func<string, bool> isSet) =>
        workflow.Variables.Where(v => !isSet(v.Name)).Select(v => (v, v.Default is { } d && ScalarValues.TryParse(d, v.Type, out var parsed, out _) ? parsed : null));
}

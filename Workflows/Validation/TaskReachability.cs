using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;

namespace Scheduler.Workflows.Validation;

/// <summary>
/// Finds tasks that can never run because the conditions on their way contradict each other: a task that needs
/// <c>Load</c> to have failed, and also needs a task that runs only when <c>Load</c> succeeded. Every condition needs its
/// upstream task to have run, so a task inherits the conditions of everything upstream of it; two that no single
/// outcome of the same task can meet make it unreachable.
/// </summary>
internal static class TaskReachability
{
    [Flags]
    private enum Outcomes
    {
        None = 0,
        CompletedTrue = 1,
        CompletedFalse = 2,
        Failed = 4,
    }

    /// <summary>Why one condition is required: the task that waits and what it waits for, for the message.</summary>
    private sealed record Requirement(Outcomes Allowed, string Reason);

    /// <param name="workflow">A workflow whose graph has no cycle.</param>
    /// <param name="graph">Its dependencies, explicit and implicit, in an order where each task follows its upstream tasks.</param>
    public static IEnumerable<DefinitionProblem> Problems(WorkflowDefinition workflow, TaskGraph graph)
    {
        var known = workflow.Tasks.Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);

        // Per task: the outcome each upstream task must have for it to run; null when it can never run.
        var required = new Dictionary<string, Dictionary<string, Requirement>?>(StringComparer.OrdinalIgnoreCase);
        foreach (var task in graph.Order)
        {
            var own = new Dictionary<string, Requirement>(StringComparer.OrdinalIgnoreCase);
            string? conflict = null;
            foreach (var upstream in graph.DependenciesOf(task.Name).Where(known.Contains))
            {
                if (required.GetValueOrDefault(upstream) is not { } inherited)
                {
                    conflict = ""; // unreachable because its upstream task is; that one is reported
                    break;
                }

                var condition = task.ConditionOn(upstream);
                var direct = new Requirement(AllowedBy(condition), $"{task.Name} waits for {upstream} to be {condition.ToString().ToLowerInvariant()}");
                foreach (var (name, requirement) in inherited.Append(new(upstream, direct)))
                {
                    conflict ??= Merge(own, name, requirement);
                }
            }

            required[task.Name] = conflict is null ? own : null;
            if (conflict is { Length: > 0 })
            {
                var index = workflow.Tasks.ToList().FindIndex(t => string.Equals(t.Name, task.Name, StringComparison.OrdinalIgnoreCase));
                yield return new($"$.tasks[{index}].dependsOn", $"'{task.Name}' can never run: {conflict}");
            }
        }
    }

    private static string? Merge(Dictionary<string, Requirement> requirements, string upstream, Requirement requirement)
    {
        if (!requirements.TryGetValue(upstream, out var existing))
        {
            requirements[upstream] = requirement;
            return null;
        }

        var both = existing.Allowed & requirement.Allowed;
        if (both == Outcomes.None)
        {
            return $"{existing.Reason}, but {requirement.Reason}";
        }

        requirements[upstream] = both == existing.Allowed ? existing : requirement with { Allowed = both };
        return null;
    }

    private static Outcomes AllowedBy(DependencyCondition condition) => condition switch
    {
        DependencyCondition.Succeeded => Outcomes.CompletedTrue | Outcomes.CompletedFalse,
        DependencyCondition.Failed => Outcomes.Failed,
        DependencyCondition.True => Outcomes.CompletedTrue,
        DependencyCondition.False => Outcomes.CompletedFalse,
        _ => Outcomes.CompletedTrue | Outcomes.CompletedFalse | Outcomes.Failed,
    };
}

using Scheduler.Workflows.Definitions;

namespace Scheduler.Web.Tests.Dashboard.Graph;

/// <summary>Workflows made up for the drawing's tests: any size, no task reads a file.</summary>
internal static class GraphSamples
{
    /// <summary><paramref name="count"/> Decision tasks, <paramref name="width"/> to a level, each after the task one level up.</summary>
    public static WorkflowDefinition Wide(int count, int width) => new(
        $"wide-{count}",
        null,
        [],
        [.. Enumerable.Range(0, count).Select(i => new TaskDefinition(
            $"Task{i:000}",
            "Decision",
            i >= width ? [$"Task{i - width:000}"] : [],
            new Dictionary<string, string> { ["expression"] = "true" }))]);
}

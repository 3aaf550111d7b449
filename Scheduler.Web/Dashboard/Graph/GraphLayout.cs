using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Web.Dashboard.Graph;

/// <summary>A task's place in the drawing: its column is its dependency level, its row its place in that column.</summary>
internal sealed record GraphNode(string Name, string Type, int Level, int Row, string? ChildWorkflow);

/// <summary>An arrow from the task that must end first to the task that waits for it, with the condition it waits for.</summary>
internal sealed record GraphEdge(string From, string To, DependencyCondition Condition);

/// <summary>
/// A workflow's tasks laid out by dependency level: a task with no dependencies is on level 0, any other one level
/// after its latest dependency, so every arrow points right. Within a level a task sits near the average row of the
/// tasks it depends on, which keeps most arrows short and uncrossed without a general graph-drawing algorithm.
/// </summary>
internal sealed record GraphLayout(IReadOnlyList<GraphNode> Nodes, IReadOnlyList<GraphEdge> Edges)
{
    public int Levels => Nodes.Count == 0 ? 0 : Nodes.Max(n => n.Level) + 1;

    public int Rows => Nodes.Count == 0 ? 0 : Nodes.Max(n => n.Row) + 1;

    /// <param name="workflow">The workflow, valid or a draft with problems (a cycle is drawn, on a level after the rest).</param>
    /// <param name="readsFrom">Tasks a task reads from besides its references (a Decision's expression), as the engine sees them.</param>
    public static GraphLayout Of(WorkflowDefinition workflow, Func<TaskDefinition, IEnumerable<string>> readsFrom)
    {
        var graph = TaskGraph.Build(workflow, readsFrom);
        var byName = workflow.Tasks.ToDictionary(t => t.Name, StringComparer.OrdinalIgnoreCase);
        var levels = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        foreach (var task in graph.Order)
        {
            levels[task.Name] = graph.DependenciesOf(task.Name).Select(d => levels[d] + 1).DefaultIfEmpty(0).Max();
        }

        // Tasks on or behind a cycle have no level of their own: they go together after all the others.
        var last = levels.Count == 0 ? 0 : levels.Values.Max() + 1;
        foreach (var task in byName.Values.Where(t => !levels.ContainsKey(t.Name)))
        {
            levels[task.Name] = last;
        }

        var rows = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var position = byName.Keys.Select((name, index) => (name, index)).ToDictionary(p => p.name, p => p.index, StringComparer.OrdinalIgnoreCase);
        foreach (var level in levels.GroupBy(l => l.Value).OrderBy(g => g.Key))
        {
            var ordered = level.Select(l => l.Key)
                .OrderBy(name => graph.DependenciesOf(name).Where(rows.ContainsKey).Select(d => (double)rows[d]).DefaultIfEmpty(-1).Average())
                .ThenBy(name => position[name]);
            var row = 0;
            foreach (var name in ordered)
            {
                rows[name] = row++;
            }
        }

        var nodes = byName.Values
            .Select(t => new GraphNode(t.Name, t.Type, levels[t.Name], rows[t.Name], RunWorkflowTask.ChildOf(t)))
            .OrderBy(n => n.Level).ThenBy(n => n.Row)
            .ToList();
        var edges = nodes
            .SelectMany(n => graph.DependenciesOf(n.Name)
                .Select(d => byName[d].Name)
                .OrderBy(d => position[d])
                .Select(d => new GraphEdge(d, n.Name, byName[n.Name].ConditionOn(d))))
            .ToList();
        return new(nodes, edges);
    }
}

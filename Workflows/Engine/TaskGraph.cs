using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// The dependencies between a workflow's tasks: those named in <c>dependsOn</c> and those implied by a reference
/// to another task's output, which cannot be read before that task has run.
/// </summary>
public sealed class TaskGraph
{
    private readonly Dictionary<string, IReadOnlySet<string>> _dependencies;

    private TaskGraph(Dictionary<string, IReadOnlySet<string>> dependencies, IReadOnlyList<TaskDefinition> order, IReadOnlyList<string> cycle)
    {
        _dependencies = dependencies;
        Order = order;
        Cycle = cycle;
    }

    /// <summary>The tasks in an order that runs every task after its dependencies; document order where free.</summary>
    public IReadOnlyList<TaskDefinition> Order { get; }

    /// <summary>The tasks caught in a dependency cycle, empty when there is none.</summary>
    public IReadOnlyList<string> Cycle { get; }

    public IReadOnlySet<string> DependenciesOf(string task) => _dependencies[task];

    /// <summary>Every task that must have ended before <paramref name="task"/> can start, directly or not.</summary>
    public IReadOnlySet<string> UpstreamOf(string task)
    {
        var upstream = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(_dependencies[task]);
        while (pending.TryPop(out var next))
        {
            if (upstream.Add(next))
            {
                foreach (var dependency in _dependencies[next])
                {
                    pending.Push(dependency);
                }
            }
        }

        return upstream;
    }

    /// <param name="workflow">The workflow.</param>
    /// <param name="readsFrom">Tasks a task reads from other than through references, such as a Decision's expression.</param>
    public static TaskGraph Build(WorkflowDefinition workflow, Func<TaskDefinition, IEnumerable<string>>? readsFrom = null)
    {
        var names = workflow.Tasks.Select(t => t.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var dependencies = workflow.Tasks.ToDictionary(
            t => t.Name,
            t => (IReadOnlySet<string>)t.DependsOn
                .Concat(t.Inputs.Values.SelectMany(v => InputTemplate.Parse(v).References).Select(r => r.Object))
                .Concat(readsFrom?.Invoke(t) ?? [])
                .Where(names.Contains)
                .Where(name => !string.Equals(name, t.Name, StringComparison.OrdinalIgnoreCase))
                .Select(name => workflow.Tasks.First(other => string.Equals(other.Name, name, StringComparison.OrdinalIgnoreCase)).Name)
                .ToHashSet(StringComparer.OrdinalIgnoreCase),
            StringComparer.OrdinalIgnoreCase);

        var order = new List<TaskDefinition>();
        var done = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var remaining = workflow.Tasks.ToList();
        while (remaining.Count > 0)
        {
            var ready = remaining.FirstOrDefault(t => dependencies[t.Name].All(done.Contains));
            if (ready is null)
            {
                break;
            }

            order.Add(ready);
            done.Add(ready.Name);
            remaining.Remove(ready);
        }

        // Tasks left over either sit on a cycle or merely wait for one; only the former are the problem to name.
        var cycle = remaining.Where(t => ReachesItself(t.Name, dependencies)).Select(t => t.Name).ToList();
        return new(dependencies, order, cycle);
    }

    private static bool ReachesItself(string task, Dictionary<string, IReadOnlySet<string>> dependencies)
    {
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        var pending = new Stack<string>(dependencies[task]);
        while (pending.TryPop(out var next))
        {
            if (string.Equals(next, task, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (seen.Add(next))
            {
                foreach (var dependency in dependencies[next])
                {
                    pending.Push(dependency);
                }
            }
        }

        return false;
    }
}

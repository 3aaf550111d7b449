using System.Collections.Concurrent;
using Scheduler.Dataflows;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// The values of one running workflow by <c>Object.member</c>: its variables and the job's context, then each task's
/// outputs as the task completes. Case-insensitive, as references in definitions are; safe for tasks that finish at the same time.
/// </summary>
internal sealed class VisibleValues
{
    private readonly ConcurrentDictionary<string, object?> _values = new(StringComparer.OrdinalIgnoreCase);

    public VisibleValues(IReadOnlyDictionary<string, object?> variables, RunContext context)
    {
        foreach (var (name, value) in variables)
        {
            _values[$"{WorkflowObjects.Variables}.{name}"] = value;
        }

        foreach (var (name, value) in context.Values)
        {
            _values[name] = value;
        }
    }

    public IReadOnlyDictionary<string, object?> Snapshot => new Dictionary<string, object?>(_values, StringComparer.OrdinalIgnoreCase);

    /// <summary>Values already named <c>Object.member</c>, such as everything a finished run saw.</summary>
    public void AddNamed(IEnumerable<KeyValuePair<string, object?>> values)
    {
        foreach (var (name, value) in values)
        {
            _values[name] = value;
        }
    }

    public void Add(string task, IReadOnlyDictionary<string, object?> outputs)
    {
        foreach (var (name, value) in outputs)
        {
            _values[$"{task}.{name}"] = value;
        }
    }
}

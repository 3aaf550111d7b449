using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tasks;

/// <summary>The task types this service knows, by their case-insensitive type name.</summary>
public sealed class TaskRegistry(IEnumerable<IWorkflowTask> tasks)
{
    private readonly Dictionary<string, IWorkflowTask> _byType = tasks.ToDictionary(t => t.Type, StringComparer.OrdinalIgnoreCase);

    public string TypeNames => string.Join(", ", _byType.Keys.Order(StringComparer.Ordinal));

    public bool TryGet(string type, out IWorkflowTask task) => _byType.TryGetValue(type, out task!);

    public IWorkflowTask Get(string type) => _byType[type];

    /// <summary>The tasks a task reads from besides its references (see <see cref="IWorkflowTask.ReadsFrom"/>).</summary>
    public IEnumerable<string> ReadsFrom(TaskDefinition task) => TryGet(task.Type, out var type) ? type.ReadsFrom(task) : [];
}

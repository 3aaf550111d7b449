using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Binding;

public static class TaskDefinitionExtensions
{
    /// <summary>The inputs written as plain values, without references: what can be known before the job runs.</summary>
    public static IReadOnlyDictionary<string, string> LiteralInputs(this TaskDefinition task) =>
        task.Inputs.Where(i => InputTemplate.Parse(i.Value).IsLiteral).ToDictionary(StringComparer.OrdinalIgnoreCase);
}

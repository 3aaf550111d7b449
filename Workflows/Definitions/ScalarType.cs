namespace Scheduler.Workflows.Definitions;

/// <summary>The types a workflow variable or a task input can have.</summary>
public enum ScalarType
{
    String,
    Int,
    Decimal,
    Bool,
    DateTime,
}

namespace Scheduler.Workflows.Definitions;

/// <summary>The types a workflow variable or a task input can have.</summary>
public enum ScalarType
{
    String,
    Int,
    Decimal,
    Bool,
    DateTime,

    /// <summary>A list of strings, such as the local paths of a wildcard download.</summary>
    StringList,
}

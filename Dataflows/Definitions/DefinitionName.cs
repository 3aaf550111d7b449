namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// The limit on a workflow's or dataflow's name: it keys the stored versions, and an index entry of PostgreSQL holds
/// at most about 2,700 bytes; names people write are a few dozen characters.
/// </summary>
public static class DefinitionName
{
    public const int MaxLength = 200;

    /// <summary>Why the name is too long, or null.</summary>
    public static string? LengthProblem(string name) =>
        name.Length > MaxLength ? $"a name has at most {MaxLength} characters, not {name.Length}" : null;
}

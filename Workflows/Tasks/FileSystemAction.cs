namespace Scheduler.Workflows.Tasks;

/// <summary>What a FileSystem task does with its path.</summary>
public enum FileSystemAction
{
    Copy,
    Move,
    Delete,
    CreateFolder,
}

/// <summary>The spelling of FileSystem actions in definitions (case-insensitive) and what each needs.</summary>
public static class FileSystemActions
{
    // A dictionary rather than Enum.TryParse, which would also take "1" or "Copy, Move" as an action.
    private static readonly Dictionary<string, FileSystemAction> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Copy"] = FileSystemAction.Copy,
        ["Move"] = FileSystemAction.Move,
        ["Delete"] = FileSystemAction.Delete,
        ["CreateFolder"] = FileSystemAction.CreateFolder,
    };

    public static string Names { get; } = string.Join(", ", ByName.Keys);

    public static bool TryParse(string? name, out FileSystemAction action) => ByName.TryGetValue(name?.Trim() ?? "", out action);

    /// <summary>Copy and Move put files at a target; Delete and CreateFolder act on the path alone.</summary>
    public static bool NeedsTarget(this FileSystemAction action) => action is FileSystemAction.Copy or FileSystemAction.Move;
}

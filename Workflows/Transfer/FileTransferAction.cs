namespace Scheduler.Workflows.Transfer;

/// <summary>What a FileTransfer task does with its remote path.</summary>
public enum FileTransferAction
{
    Download,
    Upload,
    Delete,
    Rename,
    List,
    Exists,
    WaitForFile,
}

/// <summary>The spelling of actions in definitions (case-insensitive, <c>Move</c> for Rename) and what each needs.</summary>
public static class FileTransferActions
{
    private static readonly Dictionary<string, FileTransferAction> ByName = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Download"] = FileTransferAction.Download,
        ["Upload"] = FileTransferAction.Upload,
        ["Delete"] = FileTransferAction.Delete,
        ["Rename"] = FileTransferAction.Rename,
        ["Move"] = FileTransferAction.Rename,
        ["List"] = FileTransferAction.List,
        ["Exists"] = FileTransferAction.Exists,
        ["WaitForFile"] = FileTransferAction.WaitForFile,
    };

    public static string Names { get; } = string.Join(", ", ByName.Keys);

    public static bool TryParse(string? name, out FileTransferAction action) => ByName.TryGetValue(name?.Trim() ?? "", out action);

    /// <summary>The inputs beyond action, connection and remotePath that the action cannot run without.</summary>
    public static IReadOnlyList<string> RequiredInputs(this FileTransferAction action) => action switch
    {
        FileTransferAction.Upload => ["localPath"],
        FileTransferAction.Rename => ["newPath"],
        _ => [],
    };

    /// <summary>Whether the remote path may be a pattern such as <c>in/*.csv</c>; an upload or a rename names one file.</summary>
    public static bool AcceptsWildcard(this FileTransferAction action) => action is not (FileTransferAction.Upload or FileTransferAction.Rename);
}

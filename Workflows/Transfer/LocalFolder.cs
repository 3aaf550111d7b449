namespace Scheduler.Workflows.Transfer;

/// <summary>Paths under a local folder that can never leave it, whatever <c>..</c> or rooted parts they hold.</summary>
public static class LocalFolder
{
    /// <summary>
    /// The full path of <paramref name="path"/> taken from <paramref name="folder"/> (a relative path starts there), or
    /// null when it would lie outside the folder or be the folder itself.
    /// </summary>
    public static string? PathInside(string folder, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var full = Path.GetFullPath(path, root);
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }
}

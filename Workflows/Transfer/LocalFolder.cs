namespace Scheduler.Workflows.Transfer;

/// <summary>
/// Paths under a local folder that can never leave it, whatever <c>..</c>, rooted parts or symbolic links they hold.
/// </summary>
public static class LocalFolder
{
    // As many links as Linux follows in one lookup (MAXSYMLINKS); a loop of links ends here instead of running forever.
    private const int MaxLinks = 40;

    /// <summary>
    /// The full path of <paramref name="path"/> taken from <paramref name="folder"/> (a relative path starts there), or
    /// null when it would lie outside the folder or be the folder itself. Symbolic links are followed as the file
    /// system would follow them, in the folder's own path too: a link inside the folder that points out of it (to
    /// <c>/etc</c>, to a sibling folder) leaves it. A part of the path that does not exist yet (a file about to be
    /// written) is taken as written under its nearest existing parent.
    /// </summary>
    public static string? PathInside(string folder, string path)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        var full = Path.GetFullPath(path, root);
        if (!IsUnder(root, full) || RealPath(root) is not { } realRoot || RealPath(full) is not { } real)
        {
            return null;
        }

        return IsUnder(realRoot, real) ? full : null;
    }

    private static bool IsUnder(string root, string path)
    {
        var prefix = Path.EndsInDirectorySeparator(root) ? root : root + Path.DirectorySeparatorChar;
        return path.Length > prefix.Length && path.StartsWith(prefix, StringComparison.Ordinal);
    }

    /// <summary>
    /// What the file system opens for the absolute path <paramref name="path"/>: each existing part that is a symbolic
    /// link replaced by its target, and <c>..</c> in a target taken from where the link led, not from the text (as
    /// realpath does). Null for a loop of links or a part that cannot be looked at.
    /// </summary>
    private static string? RealPath(string path)
    {
        var resolved = Path.GetPathRoot(path)!;
        var pending = new Stack<string>(Parts(path[resolved.Length..]).Reverse());
        var links = 0;
        while (pending.TryPop(out var part))
        {
            if (part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                resolved = Path.GetDirectoryName(resolved) ?? resolved;
                continue;
            }

            var next = Path.Join(resolved, part);
            if (!TryReadLink(next, out var target))
            {
                return null;
            }

            if (target is null)
            {
                resolved = next;
                continue;
            }

            if (++links > MaxLinks)
            {
                return null;
            }

            if (Path.IsPathRooted(target))
            {
                resolved = Path.GetPathRoot(target)!;
            }

            foreach (var targetPart in Parts(target[Path.GetPathRoot(target)!.Length..]).Reverse())
            {
                pending.Push(targetPart);
            }
        }

        return resolved;
    }

    /// <summary>The target of the link at <paramref name="path"/>, null when it is no link (or does not exist).</summary>
    /// <returns>False when the part cannot be looked at (no permission): it might lead anywhere, so it is refused.</returns>
    private static bool TryReadLink(string path, out string? target)
    {
        try
        {
            target = new FileInfo(path).LinkTarget;
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            target = null;
            return false;
        }
    }

    private static string[] Parts(string path) =>
        path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}

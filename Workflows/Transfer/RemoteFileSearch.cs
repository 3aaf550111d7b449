namespace Scheduler.Workflows.Transfer;

/// <summary>Finds the files a remote path names: itself if it exists, or every match of a wildcard in its folder.</summary>
public static class RemoteFileSearch
{
    /// <summary>True when the remote file exists (a folder of that name does not count).</summary>
    public static async Task<bool> ExistsAsync(this IRemoteFiles files, string remotePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        try
        {
            await files.GetSizeAsync(remotePath, cancellationToken);
            return true;
        }
        catch (RemoteFileNotFoundException)
        {
            return false;
        }
    }

    /// <summary>
    /// The existing files <paramref name="remotePath"/> names, sorted by name: for <c>in/*.csv</c> every match in
    /// <c>in</c>, for a plain path the file itself or nothing.
    /// </summary>
    public static async Task<IReadOnlyList<RemotePath>> FindAsync(
        this IRemoteFiles files, RemotePath remotePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        ArgumentNullException.ThrowIfNull(remotePath);
        if (!remotePath.HasWildcard)
        {
            return await files.ExistsAsync(remotePath.Value, cancellationToken) ? [remotePath] : [];
        }

        return await ListMatchesAsync(files, remotePath.Folder, remotePath.FileName, cancellationToken);
    }

    /// <summary>The files of a folder whose names match <paramref name="pattern"/>, sorted by name.</summary>
    public static async Task<IReadOnlyList<RemotePath>> ListMatchesAsync(
        this IRemoteFiles files, string? folder, string pattern, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var entries = await files.ListAsync(folder, cancellationToken);
        return entries
            .Where(entry => RemoteWildcard.IsMatch(pattern, entry.Name))
            .Select(entry => entry.Name)
            .Order(StringComparer.Ordinal)
            .Select(name => RemotePath.Parse(folder is null ? name : $"{folder.TrimEnd('/')}/{name}"))
            .ToList();
    }
}

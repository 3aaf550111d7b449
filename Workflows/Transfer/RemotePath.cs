namespace Scheduler.Workflows.Transfer;

/// <summary>
/// A remote file path checked before any I/O, so that neither the server command nor the local copy can be steered
/// somewhere else. Separators are <c>/</c> or <c>\</c>. Refused: empty paths, <c>..</c> segments, drive letters and
/// any <c>:</c>, Windows roots (<c>\x</c>, <c>\\server\share</c>), control characters, a trailing separator, and
/// wildcards (<c>*</c>, <c>?</c>) anywhere but in the file name (<c>in/*.csv</c>, see <see cref="RemoteWildcard"/>).
/// <para>
/// A leading <c>/</c> is kept for the server: FTP servers commonly chroot the login, so <c>/in/orders.csv</c> is
/// a path from the login root, and the Local type reads it from its root folder. It never makes the local copy
/// absolute: <see cref="ToLocalPath"/> always maps the segments under the local folder.
/// </para>
/// </summary>
public sealed class RemotePath
{
    private static readonly char[] Separators = ['/', '\\'];

    private RemotePath(bool fromRoot, IReadOnlyList<string> segments)
    {
        FromRoot = fromRoot;
        Segments = segments;
        Value = (fromRoot ? "/" : "") + string.Join('/', segments);
    }

    /// <summary>True when the path started with <c>/</c>: from the root of the connection rather than its current folder.</summary>
    public bool FromRoot { get; }

    /// <summary>The folder names and the file name, without empty or <c>.</c> segments.</summary>
    public IReadOnlyList<string> Segments { get; }

    /// <summary>The normalised path to send to the server, with <c>/</c> separators.</summary>
    public string Value { get; }

    public string FileName => Segments[^1];

    /// <summary>True when the file name is a pattern such as <c>*.csv</c> rather than one file.</summary>
    public bool HasWildcard => RemoteWildcard.HasWildcard(FileName);

    /// <summary>The folder that holds the file, as sent to the server; null for the login folder.</summary>
    public string? Folder => Segments.Count > 1 ? (FromRoot ? "/" : "") + string.Join('/', Segments.Take(Segments.Count - 1))
        : FromRoot ? "/" : null;

    /// <summary>The same folder with another file name, for example a match of a wildcard or a <c>.part</c> name.</summary>
    public RemotePath WithFileName(string fileName) => Parse(Folder is { } folder ? $"{folder.TrimEnd('/')}/{fileName}" : fileName);

    public override string ToString() => Value;

    public static RemotePath Parse(string? remotePath)
    {
        if (string.IsNullOrWhiteSpace(remotePath))
        {
            throw Rejected(remotePath ?? "", "it is empty");
        }

        if (remotePath.Any(char.IsControl))
        {
            throw Rejected(remotePath, "it contains a control character");
        }

        if (remotePath[0] == '\\')
        {
            throw Rejected(remotePath, "a Windows root or network share is not a remote path");
        }

        if (remotePath.Contains(':', StringComparison.Ordinal))
        {
            throw Rejected(remotePath, "drive letters and ':' are not allowed");
        }

        if (remotePath[^1] is '/' or '\\')
        {
            throw Rejected(remotePath, "it ends with a separator and names a folder, not a file");
        }

        var segments = remotePath.Split(Separators, StringSplitOptions.RemoveEmptyEntries)
            .Where(segment => segment != ".")
            .ToList();
        if (segments.Contains(".."))
        {
            throw Rejected(remotePath, "'..' segments are not allowed");
        }

        if (segments.Count == 0)
        {
            throw Rejected(remotePath, "it names no file");
        }

        if (segments.Take(segments.Count - 1).Any(RemoteWildcard.HasWildcard))
        {
            throw Rejected(remotePath, "wildcards ('*', '?') are allowed in the file name only");
        }

        return new RemotePath(remotePath[0] == '/', segments);
    }

    /// <summary>
    /// The path of the local copy (or, for a Local connection, of the file itself): the segments under
    /// <paramref name="localFolder"/>, never outside it, symbolic links included.
    /// </summary>
    public string ToLocalPath(string localFolder)
    {
        if (string.IsNullOrWhiteSpace(localFolder))
        {
            throw new RemotePathRejectedException("The local folder for a download is empty.");
        }

        // The segments hold no '..' and no root: only a symbolic link on the way can lead out.
        return LocalFolder.PathInside(localFolder, Path.Join([.. Segments]))
            ?? throw Rejected(Value, $"a symbolic link on its way leads outside '{Path.TrimEndingDirectorySeparator(Path.GetFullPath(localFolder))}'");
    }

    private static RemotePathRejectedException Rejected(string remotePath, string reason) =>
        new($"Remote path '{Escape(remotePath)}' is refused: {reason}.");

    private static string Escape(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString()));
}

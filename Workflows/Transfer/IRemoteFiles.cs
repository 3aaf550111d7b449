namespace Scheduler.Workflows.Transfer;

/// <summary>
/// One connected session to a file server or folder (FTP, FTPS, SFTP, Local). A session runs one operation at a time.
/// After a failure other than <see cref="RemoteFileNotFoundException"/> the session may be closed: connect a new one.
/// Paths are remote paths as <see cref="RemotePath.Value"/> gives them.
/// </summary>
public interface IRemoteFiles : IAsyncDisposable
{
    /// <summary>Names the server for messages and logs, for example <c>ftp://user@127.0.0.1:2121</c>. Never holds the password.</summary>
    string Description { get; }

    /// <summary>Size in bytes of a remote file. Throws <see cref="RemoteFileNotFoundException"/> if it does not exist or is a folder.</summary>
    Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken);

    /// <summary>Writes the bytes of a remote file, from <paramref name="offset"/> to its end, into <paramref name="destination"/>.</summary>
    Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken);

    /// <summary>Writes <paramref name="source"/> to its end into a remote file, creating or replacing it. Its folder must exist.</summary>
    Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken);

    /// <summary>Deletes a remote file. Throws <see cref="RemoteFileNotFoundException"/> if it does not exist.</summary>
    Task DeleteAsync(string remotePath, CancellationToken cancellationToken);

    /// <summary>
    /// Renames or moves a remote file, replacing a file already at <paramref name="newPath"/> (whose folder must exist).
    /// Throws <see cref="RemoteFileNotFoundException"/> if <paramref name="remotePath"/> does not exist.
    /// </summary>
    Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken);

    /// <summary>
    /// The files (not folders) directly in <paramref name="folder"/>, or in the login folder when it is null. A folder
    /// that does not exist lists as empty: some servers (vsftpd) cannot tell it apart from an empty one.
    /// </summary>
    Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken);
}

/// <summary>A file in a remote folder listing: its name (no folder) and size in bytes.</summary>
public sealed record RemoteFileEntry(string Name, long Size)
{
    /// <summary>
    /// The file's modification time as the server writes it (an MLSD <c>modify</c> fact, the date columns of a LIST
    /// line, an ISO time for SFTP and Local), empty when it gives none: compared, never parsed, so that a server's
    /// format and clock cannot make a changed file look unchanged.
    /// </summary>
    public string Modified { get; init; } = "";
}

namespace Scheduler.Workflows.Transfer;

/// <summary>
/// One connected session to a file server or folder (FTP now; FTPS and SFTP later). A session runs one operation at a
/// time. After a failure other than <see cref="RemoteFileNotFoundException"/> the session may be closed: connect a new one.
/// </summary>
public interface IRemoteFiles : IAsyncDisposable
{
    /// <summary>Names the server for messages and logs, for example <c>ftp://user@127.0.0.1:2121</c>. Never holds the password.</summary>
    string Description { get; }

    /// <summary>Size in bytes of a remote file. Throws <see cref="RemoteFileNotFoundException"/> if it does not exist.</summary>
    Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken);

    /// <summary>Writes the bytes of a remote file, from <paramref name="offset"/> to its end, into <paramref name="destination"/>.</summary>
    Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken);
}

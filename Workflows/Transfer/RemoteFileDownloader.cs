namespace Scheduler.Workflows.Transfer;

/// <summary>
/// Downloads one remote file into a local folder, safely: the copy grows in <c>{target}.part</c> and only becomes
/// <c>{target}</c> once its length equals the size the server reported, so a reader never sees half a file.
/// </summary>
public static class RemoteFileDownloader
{
    private const string PartSuffix = ".part";

    /// <summary>
    /// Copies <paramref name="remotePath"/> to <c>{localFolder}/{remote path segments}</c>: <c>in/orders.csv</c> and
    /// <c>/in/orders.csv</c> both become <c>{localFolder}/in/orders.csv</c> (see <see cref="RemotePath"/>), so two
    /// remote folders never collide on one local name. An existing target is replaced.
    /// </summary>
    /// <remarks>
    /// A <c>.part</c> left by an earlier attempt is resumed when it is shorter than the remote file and restarted when
    /// longer. A missing file, refused login or unreachable server leaves no local file. A short transfer or a
    /// cancellation keeps the <c>.part</c> so the next attempt resumes it.
    /// </remarks>
    public static async Task<DownloadedFile> DownloadAsync(
        IRemoteFiles files, string remotePath, string localFolder, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var remote = RemotePath.Parse(remotePath);
        var target = remote.ToLocalPath(localFolder);
        var part = target + PartSuffix;

        var size = await files.GetSizeAsync(remote.Value, cancellationToken);

        var offset = File.Exists(part) ? new FileInfo(part).Length : 0;
        if (offset > size)
        {
            offset = 0;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        if (offset < size || size == 0)
        {
            await DownloadIntoPartAsync(files, remote, part, offset, cancellationToken);
        }

        var length = new FileInfo(part).Length;
        if (length != size)
        {
            throw SizeMismatch(files, remote, part, length, size);
        }

        File.Move(part, target, overwrite: true);
        return new DownloadedFile(target, size);
    }

    private static async Task DownloadIntoPartAsync(
        IRemoteFiles files, RemotePath remote, string part, long offset, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(part, offset > 0 ? FileMode.Append : FileMode.Create, FileAccess.Write,
                FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
            await using (stream)
            {
                await files.DownloadAsync(remote.Value, stream, offset, cancellationToken);
            }
        }
        catch
        {
            // An empty .part is worth nothing for a resume; a file removed between SIZE and RETR must leave no trace.
            if (File.Exists(part) && new FileInfo(part).Length == 0)
            {
                File.Delete(part);
            }

            throw;
        }
    }

    private static RemoteSizeMismatchException SizeMismatch(
        IRemoteFiles files, RemotePath remote, string part, long length, long size)
    {
        if (length < size)
        {
            // Kept: the next attempt resumes from here.
            return new RemoteSizeMismatchException(
                $"Short transfer: got {length} of {size} bytes of '{remote}' from {files.Description}.");
        }

        // Longer than the server says: the file changed during the transfer. Resuming cannot repair that.
        File.Delete(part);
        return new RemoteSizeMismatchException(
            $"Size mismatch: got {length} bytes of '{remote}' from {files.Description}, which reported {size} bytes.");
    }
}

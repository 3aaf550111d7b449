namespace Scheduler.Workflows.Transfer;

/// <summary>
/// Uploads one local file safely: the bytes go to <c>{target}.part</c> on the server, whose size is then checked
/// against the local file, and only then is it renamed to <c>{target}</c>. A reader polling the server for
/// <c>*.csv</c> never sees half a file, and a short upload never replaces a good one.
/// </summary>
public static class RemoteFileUploader
{
    private const string PartSuffix = ".part";

    /// <summary>Uploads <paramref name="localFile"/> to <paramref name="remotePath"/>, replacing it; returns the size in bytes.</summary>
    public static async Task<long> UploadAsync(
        IRemoteFiles files, string localFile, string remotePath, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        var target = RemotePath.Parse(remotePath);
        if (target.HasWildcard)
        {
            throw new RemotePathRejectedException($"Remote path '{target}' is refused: an upload needs one file name, not a pattern.");
        }

        if (!File.Exists(localFile))
        {
            throw new RemoteTransferException($"The local file '{localFile}' to upload does not exist.");
        }

        var part = target.WithFileName(target.FileName + PartSuffix);
        long size;
        var source = new FileStream(localFile, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (source)
        {
            size = source.Length;
            try
            {
                await files.UploadAsync(part.Value, source, cancellationToken);
                var uploaded = await files.GetSizeAsync(part.Value, cancellationToken);
                if (uploaded != size)
                {
                    throw new RemoteSizeMismatchException(
                        $"Short upload: {files.Description} has {uploaded} of the {size} bytes of '{localFile}' in '{part}'.");
                }
            }
            catch (Exception exception) when (exception is RemoteTransferException or OperationCanceledException)
            {
                await DeleteQuietlyAsync(files, part);
                throw;
            }
        }

        await files.RenameAsync(part.Value, target.Value, cancellationToken);
        return size;
    }

    // A failed session cannot delete anything; the .part is then left for a later upload to replace.
    private static async Task DeleteQuietlyAsync(IRemoteFiles files, RemotePath part)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await files.DeleteAsync(part.Value, timeout.Token);
        }
        catch (Exception exception) when (exception is RemoteTransferException or OperationCanceledException)
        {
            // Nothing more to do: the error that matters is the one being thrown.
        }
    }
}

namespace Scheduler.Workflows.Transfer.Local;

/// <summary>
/// A local folder seen as a file server (connection type <c>Local</c>), to run workflows without one. Remote paths
/// are relative to the root folder, <c>/x</c> included, and can never leave it (see <see cref="RemotePath"/>).
/// </summary>
internal sealed class LocalRemoteFiles : IRemoteFiles
{
    private const int CopyBufferSize = 1024 * 1024;
    private readonly string _root;

    private LocalRemoteFiles(string root)
    {
        _root = root;
        Description = new Uri(root).AbsoluteUri;
    }

    public string Description { get; }

    public static LocalRemoteFiles Open(string rootFolder)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootFolder));
        if (!Directory.Exists(root))
        {
            throw new RemoteServerUnreachableException($"Local folder '{root}' does not exist.");
        }

        return new LocalRemoteFiles(root);
    }

    public Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var file = new FileInfo(Resolve(remotePath));
        return file.Exists ? Task.FromResult(file.Length) : throw NotFound(remotePath);
    }

    public async Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        var path = Resolve(remotePath);
        if (!File.Exists(path))
        {
            throw NotFound(remotePath);
        }

        var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (source.ConfigureAwait(false))
        {
            source.Seek(offset, SeekOrigin.Begin);
            await source.CopyToAsync(destination, CopyBufferSize, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string Resolve(string remotePath)
    {
        try
        {
            return RemotePath.Parse(remotePath).ToLocalPath(_root);
        }
        catch (RemotePathRejectedException exception)
        {
            throw new RemotePathRejectedException($"{exception.Message} (connection {Description})", exception);
        }
    }

    private RemoteFileNotFoundException NotFound(string remotePath) =>
        new($"Remote file '{remotePath}' not found in {Description}.");
}

using System.Globalization;

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

    /// <param name="rootFolder">The folder that stands in for the server's root.</param>
    /// <param name="create">Create the folder when missing; otherwise a missing folder is refused like an unreachable server.</param>
    public static LocalRemoteFiles Open(string rootFolder, bool create = false)
    {
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootFolder));
        if (create)
        {
            Directory.CreateDirectory(root);
        }

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
        var path = ExistingFile(remotePath);
        var source = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1,
            FileOptions.Asynchronous | FileOptions.SequentialScan);
        await using (source)
        {
            source.Seek(offset, SeekOrigin.Begin);
            await source.CopyToAsync(destination, CopyBufferSize, cancellationToken);
        }
    }

    public async Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        var path = InExistingFolder(remotePath);
        var target = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1, FileOptions.Asynchronous);
        await using (target)
        {
            await source.CopyToAsync(target, CopyBufferSize, cancellationToken);
        }
    }

    public Task DeleteAsync(string remotePath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Delete(ExistingFile(remotePath));
        return Task.CompletedTask;
    }

    public Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        File.Move(ExistingFile(remotePath), InExistingFolder(newPath), overwrite: true);
        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        var directory = new DirectoryInfo(folder is null or "/" ? _root : Resolve(folder));
        // A link to a file outside the root is not listed: it could never be read, and its name and size are not ours to show.
        IReadOnlyList<RemoteFileEntry> entries = directory.Exists
            ? directory.EnumerateFiles()
                .Where(file => LocalFolder.PathInside(_root, file.FullName) is not null)
                .Select(file => new RemoteFileEntry(file.Name, file.Length) { Modified = file.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture) })
                .ToList()
            : [];
        return Task.FromResult(entries);
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string ExistingFile(string remotePath)
    {
        var path = Resolve(remotePath);
        return File.Exists(path) ? path : throw NotFound(remotePath);
    }

    private string InExistingFolder(string remotePath)
    {
        var path = Resolve(remotePath);
        return Directory.Exists(Path.GetDirectoryName(path))
            ? path
            : throw new RemoteTransferException($"The folder of '{remotePath}' does not exist in {Description}.");
    }

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

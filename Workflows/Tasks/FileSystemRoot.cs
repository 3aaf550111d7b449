using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Transfer.Local;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// The folder a FileSystem task may touch: a Local connection's folder, or the job's folder when it names none.
/// Every path is resolved into it with <see cref="LocalFolder.PathInside"/>, so neither <c>..</c>, an absolute path
/// nor a symbolic link leads out; files are found through the same <see cref="IRemoteFiles"/> a Local FileTransfer uses.
/// </summary>
internal sealed class FileSystemRoot : IAsyncDisposable
{
    private const string LocalType = "Local";
    private readonly string _start;

    private FileSystemRoot(string folder, string start, IRemoteFiles files, string description)
    {
        Folder = Path.TrimEndingDirectorySeparator(Path.GetFullPath(folder));
        _start = start;
        Files = files;
        Description = description;
    }

    public string Folder { get; }

    public IRemoteFiles Files { get; }

    /// <summary>Names the root in messages: <c>the job's folder</c> or <c>the connection 'Archive'</c>.</summary>
    public string Description { get; }

    /// <summary>
    /// The folder of <paramref name="connection"/>, which must be a Local one; or with none the job's folder, where
    /// relative paths start at the folder of the running workflow (as for RunDataflow's filePath).
    /// </summary>
    public static async Task<FileSystemRoot> OpenAsync(
        string? connection, TaskRunContext context, ConnectionCatalog connections, IRemoteFilesFactory factory, CancellationToken cancellationToken)
    {
        if (connection is null)
        {
            return new FileSystemRoot(context.JobFolder, context.JobDirectory, LocalRemoteFiles.Open(context.JobFolder, create: true), "the job's folder");
        }

        var settings = connections.Get(connection, LocalType);
        if (!string.Equals(settings.Type, LocalType, StringComparison.OrdinalIgnoreCase))
        {
            throw new TaskFailedException($"the connection '{connection}' is a {settings.Type} connection; FileSystem works on Local connections only (FileTransfer reaches servers)");
        }

        try
        {
            var files = await factory.ConnectAsync(connection, settings, cancellationToken);
            var folder = Path.GetFullPath(settings.Path!);
            return new FileSystemRoot(folder, folder, files, $"the connection '{connection}'");
        }
        catch (RemoteTransferException e)
        {
            throw new TaskFailedException(e.Message, e);
        }
    }

    /// <summary>
    /// The full path of <paramref name="path"/> (the value of the input <paramref name="input"/>) inside this root,
    /// and the same path relative to it for <see cref="Files"/>. Refused when it lies outside or is the root itself.
    /// </summary>
    public FileSystemPath Resolve(string path, string input)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            throw new TaskFailedException($"the input '{input}' is empty");
        }

        var inside = LocalFolder.PathInside(Folder, FullPath(path, input))
            ?? throw new TaskFailedException(
                $"the {input} '{path}' is outside {Description} ('{Folder}') or is that folder itself; FileSystem works inside it only, symbolic links included");
        try
        {
            return new FileSystemPath(RemotePath.Parse(Path.GetRelativePath(Folder, inside).Replace(Path.DirectorySeparatorChar, '/')), inside);
        }
        catch (RemotePathRejectedException e)
        {
            throw new TaskFailedException($"the {input} '{path}' is refused: {e.Message}", e);
        }
    }

    /// <summary>The full path of a Copy or Move target: like <see cref="Resolve"/>, and the root itself (<c>.</c>) as a folder to put files in.</summary>
    public string ResolveTarget(string path) =>
        !string.IsNullOrWhiteSpace(path) && Path.TrimEndingDirectorySeparator(FullPath(path, "target")) == Folder
            ? Folder
            : Resolve(path, "target").FullPath;

    /// <summary>The files <paramref name="path"/> names: the file itself, or every match of its pattern (none is no error).</summary>
    public async Task<IReadOnlyList<FileSystemPath>> FindAsync(FileSystemPath path, CancellationToken cancellationToken)
    {
        var found = await Files.FindAsync(path.Remote, cancellationToken);
        if (found.Count == 0 && !path.Remote.HasWildcard)
        {
            throw new TaskFailedException($"the file '{path.Remote}' does not exist in {Description} (a folder is not a file)");
        }

        return [.. found.Select(match => Resolve(Path.Join(Folder, match.Value), "path"))];
    }

    private string FullPath(string path, string input)
    {
        try
        {
            return Path.GetFullPath(path, _start);
        }
        catch (ArgumentException e)
        {
            throw new TaskFailedException($"the {input} is not a usable path: {e.Message}", e);
        }
    }

    public ValueTask DisposeAsync() => Files.DisposeAsync();
}

/// <summary>A path inside a <see cref="FileSystemRoot"/>: relative to it, and in full on this machine.</summary>
internal sealed record FileSystemPath(RemotePath Remote, string FullPath);

using System.Globalization;
using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Connections;

namespace Scheduler.Workflows.Transfer;

/// <summary>One action of a FileTransfer task, with everything it needs resolved.</summary>
public sealed record FileTransferRequest(
    FileTransferAction Action,
    string ConnectionName,
    ConnectionSettings Settings,
    string RemotePath,
    string DownloadFolder,
    string? LocalPath = null,
    string? NewPath = null,
    TimeSpan? Timeout = null,
    TimeSpan? PollInterval = null);

/// <summary>
/// What an action did. <see cref="RemoteFiles"/> are the remote files it acted on or found (after a rename: the new
/// path); <see cref="LocalPaths"/> the local copies of a download; <see cref="Size"/> the bytes moved.
/// </summary>
public sealed record FileTransferResult(IReadOnlyList<RemotePath> RemoteFiles, IReadOnlyList<string> LocalPaths, long? Size, bool? Exists);

/// <summary>Runs the FileTransfer actions over any protocol; wildcards expand to every matching file.</summary>
public sealed class FileTransferRunner(IRemoteFilesFactory factory)
{
    public static TimeSpan DefaultTimeout { get; } = TimeSpan.FromMinutes(5);

    public static TimeSpan DefaultPollInterval { get; } = TimeSpan.FromSeconds(10);

    public async Task<FileTransferResult> RunAsync(FileTransferRequest request, ILogger logger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(logger);
        var remote = RemotePath.Parse(request.RemotePath);
        if (remote.HasWildcard && !request.Action.AcceptsWildcard())
        {
            throw new RemotePathRejectedException($"Remote path '{remote}' is refused: {request.Action} needs one file name, not a pattern.");
        }

        if (request.Action == FileTransferAction.WaitForFile)
        {
            return await WaitForFileAsync(request, remote, logger, cancellationToken);
        }

        var files = await factory.ConnectAsync(request.ConnectionName, request.Settings, cancellationToken);
        await using (files)
        {
            return request.Action switch
            {
                FileTransferAction.Download => await DownloadAsync(files, remote, request.DownloadFolder, logger, cancellationToken),
                FileTransferAction.Upload => await UploadAsync(files, remote, request.LocalPath!, logger, cancellationToken),
                FileTransferAction.Delete => await DeleteAsync(files, remote, logger, cancellationToken),
                FileTransferAction.Rename => await RenameAsync(files, remote, request.NewPath!, logger, cancellationToken),
                FileTransferAction.List => await ListAsync(files, remote, logger, cancellationToken),
                _ => await ExistsAsync(files, remote, cancellationToken),
            };
        }
    }

    private static async Task<FileTransferResult> DownloadAsync(
        IRemoteFiles files, RemotePath remote, string folder, ILogger logger, CancellationToken cancellationToken)
    {
        // A plain path downloads without listing, so a missing file is reported by the server's own words.
        IReadOnlyList<RemotePath> matches = remote.HasWildcard ? await files.FindAsync(remote, cancellationToken) : [remote];
        if (matches.Count == 0)
        {
            throw new RemoteFileNotFoundException($"No file matches '{remote}' on {files.Description}.");
        }

        var localPaths = new List<string>();
        long size = 0;
        foreach (var match in matches)
        {
            var downloaded = await RemoteFileDownloader.DownloadAsync(files, match.Value, folder, cancellationToken);
            logger.LogDownloaded(match.Value, files.Description, downloaded.Size, downloaded.LocalPath);
            localPaths.Add(downloaded.LocalPath);
            size += downloaded.Size;
        }

        return new FileTransferResult(matches, localPaths, size, null);
    }

    private static async Task<FileTransferResult> UploadAsync(
        IRemoteFiles files, RemotePath remote, string localPath, ILogger logger, CancellationToken cancellationToken)
    {
        var size = await RemoteFileUploader.UploadAsync(files, localPath, remote.Value, cancellationToken);
        logger.LogUploaded(localPath, size, remote.Value, files.Description);
        return new FileTransferResult([remote], [localPath], size, null);
    }

    private static async Task<FileTransferResult> DeleteAsync(
        IRemoteFiles files, RemotePath remote, ILogger logger, CancellationToken cancellationToken)
    {
        // A plain path that is missing is an error (from the server); a pattern that matches nothing deletes nothing.
        IReadOnlyList<RemotePath> matches = remote.HasWildcard ? await files.FindAsync(remote, cancellationToken) : [remote];
        foreach (var match in matches)
        {
            await files.DeleteAsync(match.Value, cancellationToken);
        }

        logger.LogRemoteFiles(FileTransferAction.Delete, remote.Value, files.Description, matches.Count);
        return new FileTransferResult(matches, [], null, null);
    }

    private static async Task<FileTransferResult> RenameAsync(
        IRemoteFiles files, RemotePath remote, string newPath, ILogger logger, CancellationToken cancellationToken)
    {
        var target = RemotePath.Parse(newPath);
        if (target.HasWildcard)
        {
            throw new RemotePathRejectedException($"Remote path '{target}' is refused: the new path of a rename is one file name, not a pattern.");
        }

        await files.RenameAsync(remote.Value, target.Value, cancellationToken);
        logger.LogRenamed(remote.Value, target.Value, files.Description);
        return new FileTransferResult([target], [], null, null);
    }

    /// <summary>A pattern lists its matches; a plain path is a folder and lists every file in it.</summary>
    private static async Task<FileTransferResult> ListAsync(
        IRemoteFiles files, RemotePath remote, ILogger logger, CancellationToken cancellationToken)
    {
        var matches = remote.HasWildcard
            ? await files.FindAsync(remote, cancellationToken)
            : await files.ListMatchesAsync(remote.Value, "*", cancellationToken);
        logger.LogRemoteFiles(FileTransferAction.List, remote.Value, files.Description, matches.Count);
        return new FileTransferResult(matches, [], null, matches.Count > 0);
    }

    private static async Task<FileTransferResult> ExistsAsync(IRemoteFiles files, RemotePath remote, CancellationToken cancellationToken)
    {
        var matches = await files.FindAsync(remote, cancellationToken);
        return new FileTransferResult(matches, [], null, matches.Count > 0);
    }

    /// <summary>
    /// Looks for the file until it appears or the timeout passes, with a new session per look: an FTP session idle
    /// between looks would be closed by the server (vsftpd's idle timeout is 5 minutes).
    /// </summary>
    private async Task<FileTransferResult> WaitForFileAsync(
        FileTransferRequest request, RemotePath remote, ILogger logger, CancellationToken cancellationToken)
    {
        var timeout = request.Timeout ?? DefaultTimeout;
        var poll = request.PollInterval ?? DefaultPollInterval;
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            string server;
            var files = await factory.ConnectAsync(request.ConnectionName, request.Settings, cancellationToken);
            await using (files)
            {
                server = files.Description;
                var matches = await files.FindAsync(remote, cancellationToken);
                if (matches.Count > 0)
                {
                    logger.LogRemoteFiles(FileTransferAction.WaitForFile, remote.Value, server, matches.Count);
                    return new FileTransferResult(matches, [], null, true);
                }
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                throw new RemoteFileNotFoundException(string.Create(CultureInfo.InvariantCulture,
                    $"Timed out: no file matched '{remote}' on {server} within {timeout.TotalSeconds:0.###} s (looked every {poll.TotalSeconds:0.###} s)."));
            }

            var wait = left < poll ? left : poll;
            logger.LogStillWaiting(remote.Value, server, wait.TotalSeconds);
            await Task.Delay(wait, cancellationToken);
        }
    }
}

using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Triggers;

/// <summary>What one file-drop schedule watches: files matching <paramref name="Path"/> (<c>in/*.csv</c>) on a file connection.</summary>
public sealed record FileDropWatch(string ScheduleId, string Connection, string Path, TimeSpan PollInterval);

/// <summary>
/// One poll of a watched folder: lists it through the connection's own transfer code (FTP, FTPS, SFTP, Local), lets
/// the shared ledger say which files are new and stable, and starts one job per file that this poll claims.
/// </summary>
public sealed class FileDropWatcher(IFileDropLedger ledger, IRemoteFilesFactory remoteFiles, ConnectionCatalog connections, TimeProvider time)
{
    /// <param name="start">Makes the job for a file's path and returns its id.</param>
    /// <returns>The jobs this poll started; files still changing, or over the per-poll limit, wait for a later poll.</returns>
    public async Task<IReadOnlyList<FileDropStart>> PollAsync(
        FileDropWatch watch, Func<string, CancellationToken, Task<string>> start, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(watch);
        ArgumentNullException.ThrowIfNull(start);
        var pattern = RemotePath.Parse(watch.Path);
        IReadOnlyList<DroppedFile> listed;
        await using (var files = await remoteFiles.ConnectAsync(watch.Connection, connections.Get(watch.Connection, "file"), cancellationToken))
        {
            listed = [.. (await files.ListAsync(pattern.Folder, cancellationToken))
                .Where(entry => RemoteWildcard.IsMatch(pattern.FileName, entry.Name))
                .Select(entry => new DroppedFile(pattern.WithFileName(entry.Name).Value, entry.Size, entry.Modified))];
        }

        var now = time.GetUtcNow();
        var due = await ledger.ObserveAsync(watch.ScheduleId, listed, now, FileDropLimits.StableFor(watch.PollInterval), cancellationToken);
        var started = new List<FileDropStart>();
        foreach (var file in due.Take(FileDropLimits.MaxFilesPerPoll))
        {
            if (!await ledger.ClaimAsync(watch.ScheduleId, file, now, cancellationToken))
            {
                continue;
            }

            string jobId;
            try
            {
                jobId = await start(file.Path, cancellationToken);
            }
            catch
            {
                await ledger.ReleaseAsync(watch.ScheduleId, file, CancellationToken.None);
                throw;
            }

            await ledger.RecordJobAsync(watch.ScheduleId, file, jobId, CancellationToken.None);
            started.Add(new FileDropStart(file.Path, jobId, now));
        }

        return started;
    }
}

using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Triggers;

/// <summary>What one file-drop schedule watches: files matching <paramref name="Path"/> (<c>in/*.csv</c>) on a file connection.</summary>
public sealed record FileDropWatch(string ScheduleId, string Connection, string Path, TimeSpan PollInterval);

/// <summary>
/// One poll of a watched folder: lists it through the connection's own transfer code (FTP, FTPS, SFTP, Local), lets
/// the shared ledger say which files are new and stable, and starts one job per file that this poll claims.
/// </summary>
public sealed partial class FileDropWatcher(
    IFileDropLedger ledger, IRemoteFilesFactory remoteFiles, ConnectionCatalog connections, TimeProvider time, ILogger<FileDropWatcher> logger)
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
                .Select(entry => Dropped(watch, pattern, entry))
                .OfType<DroppedFile>()];
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

    /// <summary>
    /// The listed file as a drop, or null when its name cannot be a path (a ':' or a control character, which a server
    /// may list) or the server lists it in a way the store cannot remember (a name or a time too long, a time with a
    /// control character): one such file is passed over, where it once failed every poll of the folder and held back
    /// the rest.
    /// </summary>
    private DroppedFile? Dropped(FileDropWatch watch, RemotePath pattern, RemoteFileEntry entry)
    {
        if (entry.Name.Length > FileDropLimits.MaxListedNameLength)
        {
            return PassOver(watch, $"the server lists a name of {entry.Name.Length} characters; the most is {FileDropLimits.MaxListedNameLength}");
        }

        string path;
        try
        {
            path = pattern.WithFileName(entry.Name).Value;
        }
        catch (RemotePathRejectedException refused)
        {
            return PassOver(watch, refused.Message);
        }

        return entry.Modified.Length > FileDropLimits.MaxListedTimeLength || entry.Modified.Any(char.IsControl)
            ? PassOver(watch, $"the server lists a modification time for '{path}' that is over {FileDropLimits.MaxListedTimeLength} characters or holds a control character")
            : new DroppedFile(path, entry.Size, entry.Modified);
    }

    private DroppedFile? PassOver(FileDropWatch watch, string reason)
    {
        LogPassedOver(logger, watch.ScheduleId, reason);
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Schedule {ScheduleId} passes over a listed file: {Reason}")]
    private static partial void LogPassedOver(ILogger logger, string scheduleId, string reason);
}

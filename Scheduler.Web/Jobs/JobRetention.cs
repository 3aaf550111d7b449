using Microsoft.Extensions.Options;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Deletes what finished jobs leave behind once <see cref="SchedulerOptions.JobRetention"/> has passed: their records
/// and logs, their secret values (and those of schedules replaced or deleted that long ago), and their folders under
/// the working directory (downloads, rejected rows, outputs), which otherwise fill the disk. Every node runs it: deleting records is idempotent, and each node sweeps the folders it can see.
/// In memory, it first clears the job folders that an earlier process left: its job ids start at 1 again, and a new
/// job must never show an old job's files.
/// </summary>
internal sealed partial class JobRetention(
    IJobRunStore runs,
    IJobLog log,
    ISecretValues secrets,
    StorageChoice storage,
    IOptions<SchedulerOptions> options,
    TimeProvider time,
    ILogger<JobRetention> logger)
    : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    // Before the workers start: they make job folders.
    public override Task StartAsync(CancellationToken cancellationToken)
    {
        var workingDirectory = options.Value.WorkingDirectory;
        if (!storage.Durable && JobDirectories.DeleteJobFolders(workingDirectory) is > 0 and var deleted)
        {
            LogStaleFoldersDeleted(logger, deleted, workingDirectory);
        }

        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.JobRetention == TimeSpan.Zero)
        {
            LogKeptForEver(logger);
            return;
        }

        await PeriodicPass.RunAsync(Interval, time, atStart: true, PurgeAsync, exception => LogPurgeFailed(logger, exception), stoppingToken);
    }

    /// <summary>Deletes the records, logs, secret values and folders of the jobs that ended before now minus the retention.</summary>
    public async Task PurgeAsync(CancellationToken cancellationToken)
    {
        var endedBefore = time.GetUtcNow() - options.Value.JobRetention;
        var purged = await runs.PurgeAsync(endedBefore, cancellationToken);
        await log.DeleteAsync(purged, cancellationToken);
        var secretValues = await secrets.PurgeAsync([.. purged.Select(SecretOwner.Job)], endedBefore, cancellationToken);
        var folders = await DeleteFoldersAsync(endedBefore, cancellationToken);
        if (purged.Count > 0 || secretValues > 0 || folders > 0)
        {
            LogPurged(logger, purged.Count, secretValues, folders, endedBefore);
        }
    }

    // A folder goes when its name is a job id (anything else in the working directory is not ours to delete), nothing
    // was written in it since the cutoff, and its job is not still running: its record is gone (purged now or earlier, or kept in memory by a process that has since stopped) or
    // says it has ended.
    private async Task<int> DeleteFoldersAsync(DateTimeOffset endedBefore, CancellationToken cancellationToken)
    {
        var root = new DirectoryInfo(options.Value.WorkingDirectory);
        if (!root.Exists)
        {
            return 0;
        }

        var deleted = 0;
        foreach (var folder in root.EnumerateDirectories())
        {
            if (!JobDirectories.IsJobId(folder.Name)
                || folder.LastWriteTimeUtc >= endedBefore.UtcDateTime
                || await runs.FindAsync(folder.Name, cancellationToken) is { Status: RunStatus.Queued or RunStatus.NotStarted or RunStatus.Running or RunStatus.Cancelling })
            {
                continue;
            }

            try
            {
                folder.Delete(recursive: true);
                deleted++;
            }
            catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
            {
                LogFolderNotDeleted(logger, folder.FullName, exception.Message);
            }
        }

        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted {Count} job folders that an earlier in-memory run left in {Folder}: their jobs are forgotten, and new jobs reuse their ids")]
    private static partial void LogStaleFoldersDeleted(ILogger logger, int count, string folder);

    [LoggerMessage(Level = LogLevel.Information, Message = "Scheduler:JobRetention is 0: job records, logs and files are kept for ever")]
    private static partial void LogKeptForEver(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted the records of {Records} jobs, {SecretValues} secret values and {Folders} job folders that ended before {EndedBefore}")]
    private static partial void LogPurged(ILogger logger, int records, int secretValues, int folders, DateTimeOffset endedBefore);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: the job folder {Folder} could not be deleted: {Reason}")]
    private static partial void LogFolderNotDeleted(ILogger logger, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention: the purge of old jobs failed; it runs again in an hour")]
    private static partial void LogPurgeFailed(ILogger logger, Exception exception);
}

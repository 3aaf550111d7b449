using Scheduler.Web.Hosting;

namespace Scheduler.Web.Jobs;

/// <summary>Where a job's files live: one folder per job id under <see cref="SchedulerOptions.WorkingDirectory"/>.</summary>
internal static class JobDirectories
{
    /// <summary>The folder of one job's files: its downloads, rejected rows and outputs.</summary>
    public static string JobDirectory(this SchedulerOptions options, string jobId) => Path.Combine(options.WorkingDirectory, jobId);

    /// <summary>
    /// Whether a name can be a job's id, and so a folder of the service's: Hangfire's ids are numbers, or GUIDs in some
    /// storages. Anything else in the working directory is not the service's, and no such id is ever a path.
    /// </summary>
    public static bool IsJobId(string name) => name.Length > 0 && (name.All(char.IsAsciiDigit) || Guid.TryParse(name, out _));

    /// <summary>Deletes every job folder under the working directory, leaving anything else there alone.</summary>
    /// <returns>How many folders were deleted.</returns>
    public static int DeleteJobFolders(string workingDirectory)
    {
        var root = new DirectoryInfo(workingDirectory);
        if (!root.Exists)
        {
            return 0;
        }

        var folders = root.EnumerateDirectories().Where(folder => IsJobId(folder.Name)).ToList();
        foreach (var folder in folders)
        {
            folder.Delete(recursive: true);
        }

        return folders.Count;
    }
}

using Microsoft.AspNetCore.StaticFiles;
using Microsoft.Extensions.Options;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Web.Jobs;

/// <summary>
/// The files a job left in its folder (downloads, rejected rows, outputs), for HTTP clients that cannot reach the
/// server's disk. A path can never leave the job's folder. The folder is on the node that ran the job: nodes that
/// should all serve it share the working directory (docker/compose.yaml does). A secret value in a path (a download
/// folder named by a secret variable) is listed masked.
/// </summary>
internal sealed class JobFiles(IJobRunStore runs, JobSecrets secrets, IOptions<SchedulerOptions> options)
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    // Symbolic links are neither listed nor walked into: one may lead out of the folder (FindAsync refuses those), and
    // following a link to a folder such as /etc would list the worker's disk.
    private static readonly EnumerationOptions ListOptions = new() { RecurseSubdirectories = true, AttributesToSkip = FileAttributes.ReparsePoint };

    /// <summary>The job's files with paths relative to its folder; null for an unknown job.</summary>
    public async Task<JobFilesResponse?> ListAsync(string jobId, CancellationToken cancellationToken)
    {
        if (await FolderAsync(jobId, cancellationToken) is not ({ } folder, { } run))
        {
            return null;
        }

        var redactor = await secrets.RedactorAsync(run.Parameters, cancellationToken);
        var files = folder.Exists
            ? folder.EnumerateFiles("*", ListOptions)
                .Select(f => new JobFile(
                    redactor.Mask(Path.GetRelativePath(folder.FullName, f.FullName).Replace(Path.DirectorySeparatorChar, '/')), f.Length, f.LastWriteTimeUtc))
                .OrderBy(f => f.Path, StringComparer.Ordinal)
                .ToList()
            : [];
        return new JobFilesResponse(jobId, files);
    }

    /// <summary>One file of the job's folder to stream, or why there is none.</summary>
    public async Task<(FileInfo? File, string ContentType, string? Problem)> FindAsync(string jobId, string path, CancellationToken cancellationToken)
    {
        if (await FolderAsync(jobId, cancellationToken) is not ({ } folder, _))
        {
            return (null, "", $"There is no job with the id '{jobId}'.");
        }

        if (LocalFolder.PathInside(folder.FullName, path) is not { } full || new FileInfo(full) is not { Exists: true } file)
        {
            return (null, "", $"The job {jobId} has no file '{path}' on this node; GET /api/jobs/{jobId}/files lists them.");
        }

        return (file, ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream", null);
    }

    // Only ids with a record, and an unknown one is a 404 like everywhere else.
    private async Task<(DirectoryInfo Folder, JobRun Run)?> FolderAsync(string jobId, CancellationToken cancellationToken) =>
        JobDirectories.IsJobId(jobId) && await runs.FindAsync(jobId, cancellationToken) is { } run
            ? (new DirectoryInfo(options.Value.JobDirectory(jobId)), run)
            : null;
}

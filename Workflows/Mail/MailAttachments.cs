using System.Globalization;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Mail;

/// <summary>
/// The files a SendMail task attaches: files of the job's own folder only (a relative path starts at the running
/// workflow's folder, as RunDataflow's does; <c>..</c>, absolute paths elsewhere and symbolic links that lead out are
/// refused), at most <see cref="MaxCount"/> of them, each at most <see cref="MaxFileBytes"/> and all together at most
/// <see cref="MaxTotalBytes"/>: base64 makes a message a third larger than its files, and 15 MiB of files stay under the
/// 25 MB most mail servers accept. Every cap is checked on the files' sizes before one byte is read; the files are
/// streamed into the message as it is sent.
/// </summary>
internal static class MailAttachments
{
    public const int MaxCount = 10;
    public const long MaxFileBytes = 10L * 1024 * 1024;
    public const long MaxTotalBytes = 15L * 1024 * 1024;

    public static IReadOnlyList<FileInfo> Resolve(IReadOnlyList<string> paths, TaskRunContext context)
    {
        if (paths.Count > MaxCount)
        {
            throw new TaskFailedException($"{paths.Count} attachments are more than the {MaxCount} a message may carry");
        }

        var files = new List<FileInfo>();
        foreach (var path in paths.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            var inside = LocalFolder.PathInside(context.JobFolder, Path.GetFullPath(path, context.JobDirectory))
                ?? throw new TaskFailedException($"the attachment '{path}' is outside the job's folder; only files of the job can be attached");
            var file = new FileInfo(inside);
            if (!file.Exists)
            {
                throw new TaskFailedException($"the attachment '{path}' does not exist");
            }

            if (file.Length > MaxFileBytes)
            {
                throw new TaskFailedException($"the attachment '{path}' has {Size(file.Length)}, more than the {Size(MaxFileBytes)} one file may have");
            }

            files.Add(file);
        }

        var total = files.Sum(f => f.Length);
        return total <= MaxTotalBytes
            ? files
            : throw new TaskFailedException($"the attachments have {Size(total)} together, more than the {Size(MaxTotalBytes)} a message may carry");
    }

    private static string Size(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0 / 1024.0:0.##} MiB");
}

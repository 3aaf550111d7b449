using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Tasks;

internal static partial class FileSystemLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} {Path} in {Root}: {Count} path(s)")]
    public static partial void LogFileSystem(this ILogger logger, FileSystemAction action, string path, string root, int count);
}

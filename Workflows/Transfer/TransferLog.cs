using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Transfer;

internal static partial class TransferLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Downloaded {RemotePath} from {Server}: {Size} bytes to {LocalPath}")]
    public static partial void LogDownloaded(this ILogger logger, string remotePath, string server, long size, string localPath);

    [LoggerMessage(Level = LogLevel.Information, Message = "Uploaded {LocalPath} ({Size} bytes) to {RemotePath} on {Server}")]
    public static partial void LogUploaded(this ILogger logger, string localPath, long size, string remotePath, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Action} {RemotePath} on {Server}: {Count} file(s)")]
    public static partial void LogRemoteFiles(this ILogger logger, FileTransferAction action, string remotePath, string server, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Renamed {RemotePath} to {NewPath} on {Server}")]
    public static partial void LogRenamed(this ILogger logger, string remotePath, string newPath, string server);

    [LoggerMessage(Level = LogLevel.Information, Message = "No file matches {RemotePath} on {Server} yet; next look in {PollSeconds} s")]
    public static partial void LogStillWaiting(this ILogger logger, string remotePath, string server, double pollSeconds);
}

namespace Scheduler.Workflows.Transfer;

/// <summary>A complete local copy of a remote file: its full local path and its size in bytes.</summary>
public sealed record DownloadedFile(string LocalPath, long Size);

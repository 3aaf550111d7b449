namespace Scheduler.Workflows.Triggers;

/// <summary>
/// One state of a file in a watched folder: its path on the connection, size and modification time (as the server
/// writes it). A file is new when this whole identity is: the same name written again later is a new drop.
/// </summary>
public sealed record DroppedFile(string Path, long Size, string Modified);

/// <summary>A job that a file-drop schedule started for a file.</summary>
public sealed record FileDropStart(string Path, string JobId, DateTimeOffset StartedAt);

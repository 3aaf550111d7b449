namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// A file written next to its target under a temporary name and renamed over the target only on <see cref="Commit"/>,
/// so that readers never see a half-written file and a failed run leaves the previous one in place.
/// </summary>
internal sealed class TemporaryOutputFile : IDisposable
{
    private const int BufferBytes = 1 << 16;

    private readonly string _temporaryPath;
    private bool _committed;

    private TemporaryOutputFile(string targetPath, string temporaryPath, Stream stream)
    {
        TargetPath = targetPath;
        _temporaryPath = temporaryPath;
        Stream = stream;
    }

    public string TargetPath { get; }

    public Stream Stream { get; }

    public static TemporaryOutputFile Create(string targetPath)
    {
        var directory = Path.GetDirectoryName(targetPath)!;
        var temporaryPath = Path.Combine(directory, $".{Path.GetFileName(targetPath)}.{Guid.NewGuid():N}.tmp");
        try
        {
            Directory.CreateDirectory(directory);
            return new TemporaryOutputFile(targetPath, temporaryPath, new FileStream(temporaryPath, FileMode.CreateNew, FileAccess.Write, FileShare.None, BufferBytes));
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Failure(targetPath, exception);
        }
    }

    /// <summary>Flushes and closes the stream (the caller has flushed its own writer), then renames the file over the target.</summary>
    public async Task CommitAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Stream.FlushAsync(cancellationToken);
            await Stream.DisposeAsync();
            File.Move(_temporaryPath, TargetPath, overwrite: true);
            _committed = true;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw Failure(TargetPath, exception);
        }
    }

    public static DataflowException Failure(string targetPath, Exception exception) =>
        new($"Cannot write the output file '{targetPath}': {exception.Message}", exception);

    public void Dispose()
    {
        Stream.Dispose();
        if (!_committed)
        {
            File.Delete(_temporaryPath);
        }
    }
}

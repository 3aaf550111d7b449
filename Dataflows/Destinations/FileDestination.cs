namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// A destination that formats rows into a <see cref="TemporaryOutputFile"/> through a writer of its own: closing the
/// writer and renaming the file happen only on completion, so a failed run leaves the previous file in place.
/// </summary>
internal abstract class FileDestination(TemporaryOutputFile file, IAsyncDisposable writer) : IRowDestination
{
    private bool _writerClosed;

    protected TemporaryOutputFile File => file;

    public abstract string Description { get; }

    public ValueTask WriteAsync(object?[] values, CancellationToken cancellationToken)
    {
        try
        {
            Write(values);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw TemporaryOutputFile.Failure(file.TargetPath, exception);
        }

        return ValueTask.CompletedTask;
    }

    public async Task<string?> CompleteAsync(DataflowResult counts, CancellationToken cancellationToken)
    {
        try
        {
            _writerClosed = true;
            await writer.DisposeAsync();
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw TemporaryOutputFile.Failure(file.TargetPath, exception);
        }

        await file.CommitAsync(cancellationToken);
        return file.TargetPath;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_writerClosed)
        {
            await writer.DisposeAsync();
        }

        file.Dispose();
    }

    /// <summary>Formats one row into the writer; I/O errors are reported with the target path by the caller.</summary>
    protected abstract void Write(object?[] values);
}

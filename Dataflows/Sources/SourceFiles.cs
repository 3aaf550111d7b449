using System.IO.Compression;

namespace Scheduler.Dataflows.Sources;

/// <summary>Opens a source's input file for one sequential read; a name ending in <c>.gz</c> is decompressed on the fly.</summary>
internal static class SourceFiles
{
    public const int BufferBytes = 1 << 20;

    /// <exception cref="DataflowException">The file does not exist or cannot be opened.</exception>
    public static Stream OpenRead(string path)
    {
        if (!File.Exists(path))
        {
            throw new DataflowException($"The input file '{path}' does not exist.");
        }

        try
        {
            Stream stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.SequentialScan);
            return path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase)
                ? new BufferedStream(new GZipStream(stream, CompressionMode.Decompress), BufferBytes)
                : stream;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            throw new DataflowException($"The input file '{path}' cannot be read: {exception.Message}", exception);
        }
    }
}

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// Reads a stream line by line as bytes, never holding more than one line of at most <see cref="MaxLineBytes"/>: a file
/// without line breaks fails at that length instead of being read whole into memory. <c>\n</c> and <c>\r\n</c> end a line.
/// </summary>
internal sealed class LineReader(Stream stream, string path) : IDisposable
{
    /// <summary>One line of a JSON Lines or fixed-width file; longer is an error naming the line.</summary>
    public const int MaxLineBytes = 1 << 20;

    private readonly byte[] _buffer = new byte[MaxLineBytes + 2];
    private int _start;
    private int _end;
    private bool _atEnd;

    /// <summary>The 1-based number of the line last read.</summary>
    public long LineNumber { get; private set; }

    /// <summary>The next line without its line break, valid until the next call; false at the end of the stream.</summary>
    /// <exception cref="DataflowException">The line is longer than <see cref="MaxLineBytes"/>, or the file cannot be read.</exception>
    public bool TryReadLine(out ReadOnlySpan<byte> line)
    {
        while (true)
        {
            var newline = _buffer.AsSpan(_start, _end - _start).IndexOf((byte)'\n');
            if (newline >= 0 || (_atEnd && _end > _start))
            {
                var length = newline >= 0 ? newline : _end - _start;
                line = _buffer.AsSpan(_start, length);
                _start += newline >= 0 ? length + 1 : length;
                line = line.EndsWith("\r"u8) ? line[..^1] : line;
                LineNumber++;
                return CheckLength(line.Length);
            }

            if (_atEnd)
            {
                line = default;
                return false;
            }

            Fill();
        }
    }

    public void Dispose() => stream.Dispose();

    private bool CheckLength(int length) => length <= MaxLineBytes
        ? true
        : throw new DataflowException($"Line {LineNumber} of '{path}' is longer than {MaxLineBytes} bytes.");

    private void Fill()
    {
        if (_end - _start > MaxLineBytes)
        {
            throw new DataflowException($"Line {LineNumber + 1} of '{path}' is longer than {MaxLineBytes} bytes.");
        }

        // Move the part of a line read so far to the front, then fill the rest of the buffer.
        _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
        _end -= _start;
        _start = 0;
        try
        {
            var read = stream.Read(_buffer, _end, _buffer.Length - _end);
            _end += read;
            _atEnd = read == 0;
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException)
        {
            throw new DataflowException($"The input file '{path}' cannot be read: {exception.Message}", exception);
        }
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>
/// The control connection: sends commands and reads replies, multi-line ones included (<c>123-...</c> up to
/// <c>123 ...</c>). Every exchange has the read timeout. After a timeout, cancellation or lost connection the socket
/// is closed and the connection is broken for good, because the reply stream can no longer be trusted to match.
/// </summary>
internal sealed class FtpControlConnection : IAsyncDisposable
{
    private const int MaxReplyLineLength = 64 * 1024;
    private static readonly TimeSpan QuitTimeout = TimeSpan.FromSeconds(5);

    private readonly Socket _socket;
    private readonly TimeSpan _readTimeout;
    private Stream _stream;
    private byte[] _buffer = new byte[8 * 1024];
    private int _start;
    private int _end;

    private FtpControlConnection(Socket socket, string server, TimeSpan readTimeout)
    {
        _socket = socket;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _readTimeout = readTimeout;
        Server = server;
    }

    /// <summary>Names the server in messages, for example <c>ftp://user@host:21</c>.</summary>
    public string Server { get; }

    /// <summary>The address actually connected to: data connections go there, whatever PASV says.</summary>
    public IPAddress RemoteAddress => ((IPEndPoint)_socket.RemoteEndPoint!).Address;

    public bool IsBroken { get; private set; }

    public static async Task<FtpControlConnection> ConnectAsync(
        string host, int port, string server, TransferOptions options, CancellationToken cancellationToken)
    {
        var socket = await ConnectSocketAsync(host, port, server, options.ConnectTimeout, cancellationToken);
        return new FtpControlConnection(socket, server, options.ReadTimeout);
    }

    /// <summary>Opens a TCP connection; refusal, unknown host and timeout become <see cref="RemoteServerUnreachableException"/>.</summary>
    public static async Task<Socket> ConnectSocketAsync(
        string host, int port, string server, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(host, port, timeoutSource.Token);
            return socket;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw new RemoteServerUnreachableException(
                $"{server} did not accept a connection to port {port} within {Seconds(timeout)} s.");
        }
        catch (SocketException exception)
        {
            socket.Dispose();
            throw new RemoteServerUnreachableException(
                $"Cannot connect to {server} (port {port}): {exception.Message}", exception);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>Sends one command and reads its reply (the first one, which may be a 1xx preliminary reply).</summary>
    public Task<FtpReply> ExecuteAsync(string command, CancellationToken cancellationToken)
    {
        if (command.Any(char.IsControl))
        {
            // A CR or LF inside a path would smuggle a second command to the server.
            throw new RemoteTransferException($"Refused to send a command with a control character to {Server}.");
        }

        var verb = command.Split(' ', 2)[0];
        return RunAsync(verb, async token =>
        {
            await _stream.WriteAsync(Encoding.UTF8.GetBytes(command + "\r\n"), token);
            await _stream.FlushAsync(token);
            return await ReadReplyCoreAsync(token);
        }, cancellationToken);
    }

    /// <summary>Reads the next reply, for example the greeting or the 226 that ends a transfer.</summary>
    public Task<FtpReply> ReadReplyAsync(string context, CancellationToken cancellationToken) =>
        RunAsync(context, ReadReplyCoreAsync, cancellationToken);

    /// <summary>
    /// Replaces the stream under the commands, for AUTH TLS (wrap in an SslStream). Only between exchanges, when the
    /// server has nothing more to send.
    /// </summary>
    public async Task UpgradeStreamAsync(Func<Stream, CancellationToken, Task<Stream>> wrap, CancellationToken cancellationToken)
    {
        _stream = await wrap(_stream, cancellationToken);
    }

    /// <summary>Says goodbye if the connection is still healthy; a server that does not answer QUIT is not an error.</summary>
    public async Task QuitAsync()
    {
        if (IsBroken)
        {
            return;
        }

        try
        {
            using var quitTimeout = new CancellationTokenSource(QuitTimeout);
            await ExecuteAsync("QUIT", quitTimeout.Token);
        }
        catch (Exception exception) when (exception is RemoteTransferException or OperationCanceledException)
        {
            // The session is over either way.
        }
    }

    /// <summary>Closes the socket at once, for example to stop a transfer whose state is unknown.</summary>
    public void Break()
    {
        IsBroken = true;
        _stream.Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        IsBroken = true;
        await _stream.DisposeAsync();
    }

    private async Task<FtpReply> RunAsync(
        string verb, Func<CancellationToken, Task<FtpReply>> exchange, CancellationToken cancellationToken)
    {
        if (IsBroken)
        {
            throw new RemoteTransferException($"The connection to {Server} was closed after an earlier failure.");
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(_readTimeout);
        try
        {
            return await exchange(timeoutSource.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Break();
            throw new RemoteServerUnreachableException(
                $"{Server} did not answer {verb} within {Seconds(_readTimeout)} s.");
        }
        catch (Exception exception) when (exception is IOException or SocketException or ObjectDisposedException)
        {
            Break();
            throw new RemoteServerUnreachableException(
                $"The connection to {Server} was lost during {verb}: {exception.Message}", exception);
        }
        catch
        {
            Break();
            throw;
        }
    }

    private async Task<FtpReply> ReadReplyCoreAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLineAsync(cancellationToken);
        if (first.Length < 3 || !int.TryParse(first.AsSpan(0, 3), NumberStyles.None, CultureInfo.InvariantCulture, out var code)
            || (first.Length > 3 && first[3] is not (' ' or '-')))
        {
            throw new RemoteTransferException($"{Server} sent a malformed reply: '{Shorten(first)}'.");
        }

        var lines = new List<string> { first.Length > 4 ? first[4..] : "" };
        if (first.Length > 3 && first[3] == '-')
        {
            var last = string.Create(CultureInfo.InvariantCulture, $"{code} ");
            while (true)
            {
                var line = await ReadLineAsync(cancellationToken);
                if (line.StartsWith(last, StringComparison.Ordinal))
                {
                    lines.Add(line[4..]);
                    break;
                }

                lines.Add(line);
            }
        }

        return new FtpReply(code, string.Join('\n', lines));
    }

    private async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var newline = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (newline >= 0)
            {
                var line = Encoding.UTF8.GetString(_buffer, _start, newline - _start).TrimEnd('\r');
                _start = newline + 1;
                return line;
            }

            if (_start > 0)
            {
                Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
                _end -= _start;
                _start = 0;
            }

            if (_end == _buffer.Length)
            {
                if (_buffer.Length >= MaxReplyLineLength)
                {
                    throw new RemoteTransferException($"{Server} sent a reply line longer than {MaxReplyLineLength} bytes.");
                }

                Array.Resize(ref _buffer, _buffer.Length * 2);
            }

            var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
            if (read == 0)
            {
                throw new IOException("the server closed the connection");
            }

            _end += read;
        }
    }

    private static string Shorten(string text) => text.Length <= 200 ? text : text[..200] + "...";

    private static string Seconds(TimeSpan timeout) => timeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
}

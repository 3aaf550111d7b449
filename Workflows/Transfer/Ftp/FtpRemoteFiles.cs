using System.Buffers;
using System.Globalization;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>
/// A logged-in plain FTP session (RFC 959, EPSV from RFC 2428, SIZE and REST from RFC 3659), in binary mode.
/// FTPS adds AUTH TLS after the greeting (<see cref="FtpControlConnection.UpgradeStreamAsync"/>), PBSZ 0 and PROT P
/// after the login, and an SslStream in <see cref="OpenDataStreamAsync"/>; the rest stays as it is.
/// </summary>
internal sealed class FtpRemoteFiles : IRemoteFiles
{
    private readonly FtpControlConnection _control;
    private readonly FtpOptions _options;
    private bool _epsvRefused;

    private FtpRemoteFiles(FtpControlConnection control, FtpOptions options)
    {
        _control = control;
        _options = options;
        _epsvRefused = !options.UseEpsv;
    }

    public string Description => _control.Server;

    public static string Describe(string host, int port, string username) =>
        string.Create(CultureInfo.InvariantCulture, $"ftp://{username}@{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");

    public static async Task<FtpRemoteFiles> ConnectAsync(
        string host, int port, string username, string password, FtpOptions options, CancellationToken cancellationToken)
    {
        var server = Describe(host, port, username);
        var control = await FtpControlConnection.ConnectAsync(host, port, server, options, cancellationToken)
            .ConfigureAwait(false);
        try
        {
            var greeting = await control.ReadReplyAsync("the greeting", cancellationToken).ConfigureAwait(false);
            if (greeting.Code == 120)
            {
                greeting = await control.ReadReplyAsync("the greeting", cancellationToken).ConfigureAwait(false);
            }

            if (!greeting.IsCompletion)
            {
                throw new RemoteServerUnreachableException($"{server} is not ready: {greeting}");
            }

            await LogInAsync(control, username, password, cancellationToken).ConfigureAwait(false);
            var type = await control.ExecuteAsync("TYPE I", cancellationToken).ConfigureAwait(false);
            if (!type.IsCompletion)
            {
                throw new RemoteTransferException($"{server} refused binary mode (TYPE I): {type}");
            }

            return new FtpRemoteFiles(control, options);
        }
        catch
        {
            await control.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken)
    {
        var reply = await _control.ExecuteAsync($"SIZE {remotePath}", cancellationToken).ConfigureAwait(false);
        if (reply.Code == 213
            && long.TryParse(reply.Message.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return size;
        }

        if (reply.Code == 550)
        {
            throw NotFound(remotePath, reply);
        }

        throw new RemoteTransferException($"{Description} did not give the size of '{remotePath}': {reply}");
    }

    public async Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);

        var port = await EnterPassiveModeAsync(cancellationToken).ConfigureAwait(false);
        var data = await OpenDataStreamAsync(port, cancellationToken).ConfigureAwait(false);
        bool completed;
        await using (data.ConfigureAwait(false))
        {
            if (offset > 0)
            {
                var rest = await _control.ExecuteAsync(
                    string.Create(CultureInfo.InvariantCulture, $"REST {offset}"), cancellationToken).ConfigureAwait(false);
                if (rest.Code != 350)
                {
                    throw new RemoteTransferException(
                        $"{Description} refused to resume '{remotePath}' at byte {offset}: {rest}");
                }
            }

            var retrieve = await _control.ExecuteAsync($"RETR {remotePath}", cancellationToken).ConfigureAwait(false);
            if (retrieve.Code == 550)
            {
                throw NotFound(remotePath, retrieve);
            }

            if (!retrieve.IsPreliminary && !retrieve.IsCompletion)
            {
                throw new RemoteTransferException($"{Description} refused to send '{remotePath}': {retrieve}");
            }

            completed = retrieve.IsCompletion;
            await CopyAsync(data, destination, remotePath, cancellationToken).ConfigureAwait(false);
        }

        if (!completed)
        {
            var end = await _control.ReadReplyAsync("the end of RETR", cancellationToken).ConfigureAwait(false);
            if (!end.IsCompletion)
            {
                throw new RemoteTransferException($"Transfer of '{remotePath}' from {Description} failed: {end}");
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _control.QuitAsync().ConfigureAwait(false);
        await _control.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task LogInAsync(
        FtpControlConnection control, string username, string password, CancellationToken cancellationToken)
    {
        var reply = await control.ExecuteAsync($"USER {username}", cancellationToken).ConfigureAwait(false);
        if (reply.Code == 331)
        {
            // Only the verb of this command ever reaches a message; the password stays here.
            reply = await control.ExecuteAsync($"PASS {password}", cancellationToken).ConfigureAwait(false);
        }

        if (reply.Code == 421)
        {
            throw new RemoteServerUnreachableException($"{control.Server} closed the session at login: {reply}");
        }

        if (!reply.IsCompletion)
        {
            throw new RemoteLoginRefusedException($"Login refused by {control.Server}: {reply}");
        }
    }

    /// <summary>EPSV first (works through NAT and IPv6), PASV for servers that refuse it.</summary>
    private async Task<int> EnterPassiveModeAsync(CancellationToken cancellationToken)
    {
        if (!_epsvRefused)
        {
            var extended = await _control.ExecuteAsync("EPSV", cancellationToken).ConfigureAwait(false);
            if (extended.Code == 229 && FtpPassiveReply.ParseEpsvPort(extended.Message) is { } extendedPort)
            {
                return extendedPort;
            }

            _epsvRefused = true;
        }

        var passive = await _control.ExecuteAsync("PASV", cancellationToken).ConfigureAwait(false);
        if (passive.Code == 227 && FtpPassiveReply.ParsePasvPort(passive.Message) is { } port)
        {
            return port;
        }

        throw new RemoteTransferException($"{Description} refused passive mode: {passive}");
    }

    /// <summary>The one place a data connection opens: to the control connection's address, whatever PASV said.</summary>
    private async Task<Stream> OpenDataStreamAsync(int port, CancellationToken cancellationToken)
    {
        var socket = await FtpControlConnection.ConnectSocketAsync(
            _control.RemoteAddress.ToString(), port, Description, _options.ConnectTimeout, cancellationToken)
            .ConfigureAwait(false);
        return new System.Net.Sockets.NetworkStream(socket, ownsSocket: true);
    }

    private async Task CopyAsync(Stream data, Stream destination, string remotePath, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(_options.BufferSize);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                // The timeout bounds each silence of the server, not the transfer, nor the writes to our disk.
                timeoutSource.CancelAfter(_options.ReadTimeout);
                var read = await ReadDataAsync(data, buffer, remotePath, timeoutSource.Token).ConfigureAwait(false);
                timeoutSource.CancelAfter(Timeout.InfiniteTimeSpan);
                if (read == 0)
                {
                    return;
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            _control.Break();
            throw new RemoteServerUnreachableException(
                $"{Description} sent no data of '{remotePath}' for {_options.ReadTimeout.TotalSeconds:0.###} s.");
        }
        catch
        {
            // Cancelled or failed mid-transfer: the control connection's state is unknown, close it.
            _control.Break();
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<int> ReadDataAsync(Stream data, byte[] buffer, string remotePath, CancellationToken cancellationToken)
    {
        try
        {
            return await data.ReadAsync(buffer.AsMemory(0, _options.BufferSize), cancellationToken).ConfigureAwait(false);
        }
        catch (IOException exception)
        {
            throw new RemoteServerUnreachableException(
                $"The data connection from {Description} broke while reading '{remotePath}': {exception.Message}", exception);
        }
    }

    private RemoteFileNotFoundException NotFound(string remotePath, FtpReply reply) =>
        new($"Remote file '{remotePath}' not found on {Description}: {reply}");
}

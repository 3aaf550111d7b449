using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>
/// Runs the commands that move bytes (RETR, STOR, MLSD, LIST): passive mode, a data connection to the control
/// host, the command, TLS on the data connection for FTPS, the copy, and the reply that ends the transfer.
/// </summary>
internal sealed class FtpDataChannel(
    FtpControlConnection control, TransferOptions options, SslClientAuthenticationOptions? tls, FtpsCertificatePolicy? policy,
    bool hostIsIpLiteral)
{
    private bool _epsvRefused = !options.UseEpsv;

    /// <summary>
    /// Sends <paramref name="command"/> (after <c>REST</c> when <paramref name="restartAt"/> is positive) and hands the
    /// data stream to <paramref name="transfer"/>. A 550 reply is <see cref="RemoteFileNotFoundException"/> and leaves
    /// the session usable; any failure during the copy closes it, since its state is then unknown.
    /// </summary>
    /// <param name="sending">
    /// True for an upload: the client then ends TLS with close_notify, without which a server cannot tell a complete
    /// upload from a cut one. After a download the server has already ended it, and a close_notify written to its
    /// closed socket fails, which makes OpenSSL drop the TLS session that the next data connection must resume.
    /// </param>
    public async Task RunAsync(
        string command, string remotePath, long restartAt, bool sending, Func<Stream, CancellationToken, Task> transfer,
        CancellationToken cancellationToken)
    {
        var port = await EnterPassiveModeAsync(cancellationToken);
        var socket = await FtpControlConnection.ConnectSocketAsync(
            control.RemoteAddress.ToString(), port, control.Server, options.ConnectTimeout, cancellationToken);
        Stream data = new NetworkStream(socket, ownsSocket: true);
        bool completed;
        try
        {
            if (restartAt > 0)
            {
                var rest = await control.ExecuteAsync(
                    string.Create(CultureInfo.InvariantCulture, $"REST {restartAt}"), cancellationToken);
                if (rest.Code != 350)
                {
                    throw new RemoteTransferException($"{control.Server} refused to resume '{remotePath}' at byte {restartAt}: {rest}");
                }
            }

            var verb = command.Split(' ', 2)[0];
            var reply = await control.ExecuteAsync(command, cancellationToken);
            // pyftpdlib answers 501 rather than 550 for a listing of a folder that does not exist.
            if (reply.Code == 550 || (reply.Code == 501 && verb is "MLSD" or "LIST"))
            {
                throw new RemoteFileNotFoundException($"Remote file '{remotePath}' not found on {control.Server}: {reply}");
            }

            if (!reply.IsPreliminary && !reply.IsCompletion)
            {
                throw new RemoteTransferException($"{control.Server} refused {verb} '{remotePath}': {reply}");
            }

            completed = reply.IsCompletion;
            if (tls is not null)
            {
                // The server starts TLS on the data connection only after it has the command, so the handshake comes here.
                data = await SecureAsync(data, cancellationToken);
            }

            try
            {
                await transfer(data, cancellationToken);
                if (data is SslStream ssl && sending)
                {
                    await ssl.ShutdownAsync();
                }
            }
            catch
            {
                control.Break();
                throw;
            }
        }
        finally
        {
            await data.DisposeAsync();
        }

        if (!completed)
        {
            var end = await control.ReadReplyAsync($"the end of {command.Split(' ', 2)[0]}", cancellationToken);
            if (!end.IsCompletion)
            {
                throw new RemoteTransferException($"Transfer of '{remotePath}' with {control.Server} failed: {end}.{ReuseHint(end)}");
            }
        }
    }

    /// <summary>Copies the whole data stream into <paramref name="destination"/>; each silence of the server is bounded by the read timeout.</summary>
    public Task ReceiveAsync(Stream data, Stream destination, string remotePath, CancellationToken cancellationToken) =>
        CopyAsync(data, destination, remotePath, "sent no data of", cancellationToken);

    /// <summary>Copies <paramref name="source"/> into the data stream; a server that stops reading is bounded by the read timeout.</summary>
    public Task SendAsync(Stream source, Stream data, string remotePath, CancellationToken cancellationToken) =>
        CopyAsync(source, data, remotePath, "accepted no data of", cancellationToken);

    private async Task CopyAsync(Stream from, Stream to, string remotePath, string silence, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(options.BufferSize);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        try
        {
            while (true)
            {
                // The timeout bounds each silence of the server, not the whole transfer (nor local disk I/O, which
                // sits on the other side and is cheap to bound twice).
                timeoutSource.CancelAfter(options.ReadTimeout);
                var read = await from.ReadAsync(buffer.AsMemory(0, options.BufferSize), timeoutSource.Token);
                if (read == 0)
                {
                    return;
                }

                await to.WriteAsync(buffer.AsMemory(0, read), timeoutSource.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new RemoteServerUnreachableException(
                $"{control.Server} {silence} '{remotePath}' for {options.ReadTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s.");
        }
        catch (IOException exception)
        {
            throw new RemoteServerUnreachableException(
                $"The data connection with {control.Server} broke during the transfer of '{remotePath}': {exception.Message}", exception);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private async Task<Stream> SecureAsync(Stream data, CancellationToken cancellationToken)
    {
        try
        {
            return await FtpLogin.AuthenticateAsync(
                data, tls!, policy!, control.Server, "data connection", options.ConnectTimeout, cancellationToken);
        }
        catch (RemoteTransferException exception) when (exception is not RemoteServerNotTrustedException)
        {
            // The server usually says why on the control connection, for example vsftpd's "522 ... session reuse required".
            var why = await TryReadReasonAsync();
            control.Break();
            throw new RemoteTransferException($"{exception.Message}{(why is null ? "" : $" ({why})")}.{ReuseHint(why)}", exception);
        }
    }

    // vsftpd's default require_ssl_reuse=YES refuses a data connection whose TLS session is not the control one's;
    // depending on the TLS version that shows in the handshake or only in the reply that ends the transfer.
    private string ReuseHint(FtpReply? reply) => reply?.Code == 522 && hostIsIpLiteral
        ? " The server requires TLS session reuse, which happens only when the connection's Host is a host name, not an IP address."
        : "";

    private async Task<FtpReply?> TryReadReasonAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            return await control.ReadReplyAsync("the reason of the TLS failure", timeout.Token);
        }
        catch (Exception exception) when (exception is RemoteTransferException or OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>EPSV first (works through NAT and IPv6), PASV for servers that refuse it.</summary>
    private async Task<int> EnterPassiveModeAsync(CancellationToken cancellationToken)
    {
        if (!_epsvRefused)
        {
            var extended = await control.ExecuteAsync("EPSV", cancellationToken);
            if (extended.Code == 229 && FtpPassiveReply.ParseEpsvPort(extended.Message) is { } extendedPort)
            {
                return extendedPort;
            }

            _epsvRefused = true;
        }

        var passive = await control.ExecuteAsync("PASV", cancellationToken);
        if (passive.Code == 227 && FtpPassiveReply.ParsePasvPort(passive.Message) is { } port)
        {
            return port;
        }

        throw new RemoteTransferException($"{control.Server} refused passive mode: {passive}");
    }
}

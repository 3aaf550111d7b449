using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Security.Authentication;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>Where and as whom to log in; <see cref="Tls"/> set means explicit FTPS (AUTH TLS).</summary>
internal sealed record FtpEndpoint(string Host, int Port, string Username, string Password, FtpsCertificatePolicy? Tls)
{
    /// <summary>Names the server in messages, for example <c>ftps://user@host:21</c>; never the password.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"{(Tls is null ? "ftp" : "ftps")}://{Username}@{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}");
}

/// <summary>
/// Opens a session: greeting, AUTH TLS for FTPS (before the password crosses the wire), USER/PASS, PBSZ 0 and
/// PROT P for FTPS (so the data channel is encrypted too), TYPE I, and FEAT to learn whether MLSD is there.
/// </summary>
internal static class FtpLogin
{
    public static async Task<FtpRemoteFiles> ConnectAsync(FtpEndpoint endpoint, TransferOptions options, CancellationToken cancellationToken)
    {
        var server = endpoint.Describe();
        var control = await FtpControlConnection.ConnectAsync(endpoint.Host, endpoint.Port, server, options, cancellationToken);
        try
        {
            var greeting = await control.ReadReplyAsync("the greeting", cancellationToken);
            if (greeting.Code == 120)
            {
                greeting = await control.ReadReplyAsync("the greeting", cancellationToken);
            }

            if (!greeting.IsCompletion)
            {
                throw new RemoteServerUnreachableException($"{server} is not ready: {greeting}");
            }

            SslClientAuthenticationOptions? tls = null;
            if (endpoint.Tls is { } policy)
            {
                tls = new SslClientAuthenticationOptions
                {
                    // One options object for control and data: .NET resumes the TLS session only when they match, and
                    // only for a host name (an IP literal is never cached). vsftpd refuses a data channel without it.
                    TargetHost = endpoint.Host,
                    RemoteCertificateValidationCallback = policy.Validate,
                    // TLS 1.3 hands out fresh single-use tickets on every connection, and a data connection then
                    // intermittently fails to resume (vsftpd: "522 session reuse required", 3 of 6 test runs);
                    // under TLS 1.2 every data connection resumes the control connection's own session.
                    EnabledSslProtocols = SslProtocols.Tls12,
                };
                await StartTlsAsync(control, tls, policy, options, cancellationToken);
            }

            await LogInAsync(control, endpoint.Username, endpoint.Password, cancellationToken);
            if (tls is not null)
            {
                await RequireAsync(control, "PBSZ 0", "the TLS protection buffer (PBSZ 0)", cancellationToken);
                await RequireAsync(control, "PROT P", "an encrypted data channel (PROT P)", cancellationToken);
            }

            await RequireAsync(control, "TYPE I", "binary mode (TYPE I)", cancellationToken);
            var features = await control.ExecuteAsync("FEAT", cancellationToken);
            var hasMlsd = features.Code == 211 && features.Message.Split('\n')
                .Any(line => line.Trim().StartsWith("MLST", StringComparison.OrdinalIgnoreCase));
            return new FtpRemoteFiles(control, new FtpDataChannel(control, options, tls, endpoint.Tls, IsIpLiteral(endpoint.Host)), hasMlsd);
        }
        catch
        {
            await control.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The TLS handshake on an FTPS channel. Failures become messages that say what to fix: a refused certificate
    /// names its fingerprint, anything else names the server.
    /// </summary>
    public static async Task<SslStream> AuthenticateAsync(
        Stream stream, SslClientAuthenticationOptions tls, FtpsCertificatePolicy policy, string server, string channel,
        TimeSpan timeout, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(stream, leaveInnerStreamOpen: false);
        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            await ssl.AuthenticateAsClientAsync(tls, timeoutSource.Token);
            return ssl;
        }
        catch (Exception exception) when (exception is AuthenticationException or IOException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            await ssl.DisposeAsync();
            if (policy.Rejection is { } reason)
            {
                throw new RemoteServerNotTrustedException($"Refused {server}: {reason}.", exception);
            }

            var what = exception is OperationCanceledException ? "timed out" : $"failed: {exception.Message}";
            throw new RemoteTransferException($"The TLS handshake on the {channel} with {server} {what}", exception);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    private static async Task StartTlsAsync(
        FtpControlConnection control, SslClientAuthenticationOptions tls, FtpsCertificatePolicy policy,
        TransferOptions options, CancellationToken cancellationToken)
    {
        var reply = await control.ExecuteAsync("AUTH TLS", cancellationToken);
        if (reply.Code != 234)
        {
            throw new RemoteTransferException($"{control.Server} does not offer explicit TLS (AUTH TLS): {reply}");
        }

        await control.UpgradeStreamAsync(
            async (stream, token) => await AuthenticateAsync(
                stream, tls, policy, control.Server, "control connection", options.ConnectTimeout, token),
            cancellationToken);
    }

    private static async Task LogInAsync(
        FtpControlConnection control, string username, string password, CancellationToken cancellationToken)
    {
        var reply = await control.ExecuteAsync($"USER {username}", cancellationToken);
        if (reply.Code == 331)
        {
            // Only the verb of this command ever reaches a message; the password stays here.
            reply = await control.ExecuteAsync($"PASS {password}", cancellationToken);
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

    private static async Task RequireAsync(FtpControlConnection control, string command, string what, CancellationToken cancellationToken)
    {
        var reply = await control.ExecuteAsync(command, cancellationToken);
        if (!reply.IsCompletion)
        {
            throw new RemoteTransferException($"{control.Server} refused {what}: {reply}");
        }
    }

    private static bool IsIpLiteral(string host) => IPAddress.TryParse(host, out _);
}

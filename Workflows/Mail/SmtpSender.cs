using System.Net.Sockets;
using MailKit;
using MailKit.Net.Smtp;
using MimeKit;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer.Ftp;

namespace Scheduler.Workflows.Mail;

/// <summary>
/// Sends one message through an <see cref="SmtpEndpoint"/> with MailKit: TLS as the connection says (a pinned
/// certificate fingerprint, as for FTPS, makes a server with a self-signed certificate usable safely), then the login,
/// then the message. What goes wrong is a <see cref="TaskFailedException"/> that says which of them failed.
/// </summary>
internal static class SmtpSender
{
    public static async Task SendAsync(SmtpEndpoint endpoint, MimeMessage message, CancellationToken cancellationToken)
    {
        var certificates = new FtpsCertificatePolicy(endpoint.PinnedSha256, endpoint.ValidateCertificate);
        using var client = new SmtpClient { ServerCertificateValidationCallback = certificates.Validate };
        try
        {
            await client.ConnectAsync(endpoint.Host, endpoint.Port, endpoint.Security, cancellationToken);
            if (!string.IsNullOrEmpty(endpoint.Username))
            {
                await client.AuthenticateAsync(endpoint.Username, endpoint.Password ?? "", cancellationToken);
            }

            await client.SendAsync(message, cancellationToken);
            await client.DisconnectAsync(quit: true, cancellationToken);
        }
        catch (MailKit.Security.SslHandshakeException e)
        {
            throw new TaskFailedException($"the mail server {endpoint} was not trusted: {certificates.Rejection ?? e.Message}", e);
        }
        catch (MailKit.Security.AuthenticationException e)
        {
            throw new TaskFailedException($"the mail server {endpoint} refused the login of '{endpoint.Username}': {e.Message}", e);
        }
        catch (SmtpCommandException e)
        {
            var who = e.Mailbox is { } mailbox ? $" for {mailbox.Address}" : "";
            throw new TaskFailedException($"the mail server {endpoint} refused the message{who}: {(int)e.StatusCode} {e.Message}", e);
        }
        catch (Exception e) when (e is SmtpProtocolException or ServiceNotConnectedException or IOException or SocketException or NotSupportedException)
        {
            throw new TaskFailedException($"the mail could not be sent through {endpoint}: {e.Message}", e);
        }
    }
}

using MailKit.Security;
using MimeKit;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Mail;

/// <summary>
/// The mail server of an <c>Smtp</c> connection, read from its settings and checked as a whole: every problem is
/// named at once, and the password is kept out of every message (it stays in <see cref="Password"/> only).
/// </summary>
internal sealed record SmtpEndpoint(
    string Host,
    int Port,
    SecureSocketOptions Security,
    string? Username,
    string? Password,
    MailboxAddress From,
    byte[]? PinnedSha256,
    bool ValidateCertificate)
{
    public static SmtpEndpoint Read(string name, ConnectionSettings settings)
    {
        var problems = new List<string>();
        var security = (settings.Security ?? "StartTls").ToUpperInvariant() switch
        {
            "STARTTLS" => SecureSocketOptions.StartTls,
            "SSLONCONNECT" => SecureSocketOptions.SslOnConnect,
            "NONE" => SecureSocketOptions.None,
            _ => Problem(problems, SecureSocketOptions.None, $"Security '{settings.Security}' is unknown; use StartTls, SslOnConnect or None"),
        };
        if (string.IsNullOrWhiteSpace(settings.Host))
        {
            problems.Add("it needs a Host");
        }

        if (settings.Port is < 1 or > 65535)
        {
            problems.Add($"Port {settings.Port} is not between 1 and 65535");
        }

        if (!MailboxAddress.TryParse(settings.From ?? "", out var from))
        {
            problems.Add("it needs a From address, such as 'Scheduler <scheduler@example.com>'");
        }

        byte[]? pinned = null;
        if (!string.IsNullOrWhiteSpace(settings.Fingerprint) && !RemoteFingerprint.TryParseCertificateSha256(settings.Fingerprint, out pinned))
        {
            problems.Add("its Fingerprint is not a SHA-256 in hex (64 hex digits, colons allowed)");
        }

        if (!string.IsNullOrEmpty(settings.Username) && security == SecureSocketOptions.None)
        {
            // A password in clear text on the wire is a leak the service must not make on a definition's behalf.
            problems.Add("it logs in (Username) with Security None, which would send the password unencrypted; use StartTls or SslOnConnect");
        }

        if (problems.Count > 0)
        {
            throw new Tasks.TaskFailedException($"the Smtp connection '{name}' cannot be used: {string.Join("; ", problems)}");
        }

        var port = settings.Port ?? (security == SecureSocketOptions.SslOnConnect ? 465 : 587);
        return new(settings.Host!.Trim(), port, security, settings.Username, settings.Password, from!, pinned, settings.ValidateCertificate);
    }

    /// <summary>Never the password: an endpoint may end up in a log line or an error.</summary>
    public override string ToString() => $"{Host}:{Port} ({Security})";

    private static T Problem<T>(List<string> problems, T fallback, string problem)
    {
        problems.Add(problem);
        return fallback;
    }
}

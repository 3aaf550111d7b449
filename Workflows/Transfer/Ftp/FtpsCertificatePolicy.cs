using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>
/// Decides whether an FTPS server's certificate is accepted: a pinned SHA-256 fingerprint, when set, is the only
/// test (that is what makes a self-signed server usable safely); otherwise the system's chain and name checks, unless
/// the connection turns validation off. Remembers why it refused, because SslStream only says that it did.
/// </summary>
internal sealed class FtpsCertificatePolicy(byte[]? pinnedSha256, bool validate)
{
    public string? Rejection { get; private set; }

    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (certificate is null)
        {
            Rejection = "it presented no certificate";
            return false;
        }

        var actual = certificate.GetCertHash(HashAlgorithmName.SHA256);
        if (pinnedSha256 is not null)
        {
            if (CryptographicOperations.FixedTimeEquals(actual, pinnedSha256))
            {
                return true;
            }

            Rejection = $"its certificate has the SHA-256 fingerprint {RemoteFingerprint.FormatCertificateSha256(actual)}, "
                + $"not the pinned {RemoteFingerprint.FormatCertificateSha256(pinnedSha256)}";
            return false;
        }

        if (!validate || errors == SslPolicyErrors.None)
        {
            return true;
        }

        Rejection = $"its certificate is not trusted ({errors}); if it is the right server, pin it with the connection's "
            + $"Fingerprint {RemoteFingerprint.FormatCertificateSha256(actual)}";
        return false;
    }
}

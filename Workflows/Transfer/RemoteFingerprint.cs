using System.Globalization;

namespace Scheduler.Workflows.Transfer;

/// <summary>
/// The two spellings of a pinned server identity in connection settings: a TLS certificate's SHA-256 in hex
/// (<c>AB:CD:...</c>, as browsers and <c>openssl x509 -fingerprint -sha256</c> show it; colons, spaces and case free)
/// and an SSH host key's SHA-256 in base64 (<c>SHA256:...</c>, as <c>ssh-keygen -lf</c> shows it; the prefix optional).
/// </summary>
public static class RemoteFingerprint
{
    private const int Sha256Length = 32;
    private const string SshPrefix = "SHA256:";

    public static bool TryParseCertificateSha256(string? text, out byte[] fingerprint)
    {
        fingerprint = [];
        var hex = string.Concat((text ?? "").Where(c => c is not (':' or ' ' or '-')));
        if (hex.Length != Sha256Length * 2 || !hex.All(char.IsAsciiHexDigit))
        {
            return false;
        }

        fingerprint = Convert.FromHexString(hex);
        return true;
    }

    public static string FormatCertificateSha256(byte[] fingerprint) =>
        string.Join(':', fingerprint.Select(b => b.ToString("X2", CultureInfo.InvariantCulture)));

    /// <summary>Reads <c>SHA256:base64</c> or plain base64 (padding optional) into the unpadded base64 SSH.NET reports.</summary>
    public static bool TryParseHostKeySha256(string? text, out string fingerprint)
    {
        fingerprint = "";
        var value = (text ?? "").Trim();
        if (value.StartsWith(SshPrefix, StringComparison.OrdinalIgnoreCase))
        {
            value = value[SshPrefix.Length..];
        }

        value = value.TrimEnd('=');
        var padded = value + new string('=', (4 - (value.Length % 4)) % 4);
        var bytes = new byte[Sha256Length + 3];
        if (!Convert.TryFromBase64String(padded, bytes, out var written) || written != Sha256Length)
        {
            return false;
        }

        fingerprint = value;
        return true;
    }

    public static string FormatHostKeySha256(string fingerprint) => SshPrefix + fingerprint;
}

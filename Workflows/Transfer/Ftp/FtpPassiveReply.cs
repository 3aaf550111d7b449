using System.Globalization;
using System.Text.RegularExpressions;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>Reads the data port out of EPSV (229) and PASV (227) replies.</summary>
internal static partial class FtpPassiveReply
{
    /// <summary><c>229 Entering Extended Passive Mode (|||6446|)</c>; the delimiter may be any character (RFC 2428).</summary>
    public static int? ParseEpsvPort(string message)
    {
        var match = EpsvPattern().Match(message);
        return match.Success ? ParsePort(match.Groups["port"].Value) : null;
    }

    /// <summary>
    /// <c>227 Entering Passive Mode (h1,h2,h3,h4,p1,p2)</c>. Only the port is used: the address in the reply is often
    /// a private or wrong one behind NAT, and connecting to the control host is what every modern client does.
    /// </summary>
    public static int? ParsePasvPort(string message)
    {
        var match = PasvPattern().Match(message);
        if (!match.Success)
        {
            return null;
        }

        var high = int.Parse(match.Groups["p1"].Value, CultureInfo.InvariantCulture);
        var low = int.Parse(match.Groups["p2"].Value, CultureInfo.InvariantCulture);
        return high <= 255 && low <= 255 ? ValidPort((high * 256) + low) : null;
    }

    private static int? ParsePort(string text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var port) ? ValidPort(port) : null;

    private static int? ValidPort(int port) => port is > 0 and <= 65535 ? port : null;

    [GeneratedRegex(@"\((?<d>[!-~])\k<d>\k<d>(?<port>\d{1,5})\k<d>\)")]
    private static partial Regex EpsvPattern();

    [GeneratedRegex(@"(\d{1,3},){4}(?<p1>\d{1,3}),(?<p2>\d{1,3})")]
    private static partial Regex PasvPattern();
}

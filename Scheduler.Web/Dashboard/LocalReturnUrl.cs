using System.Globalization;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// Whether a sign-in's return address is a path on this site. Browsers forgive a lot in a Location header (they drop
/// tabs and newlines, read <c>\</c> as <c>/</c>, and take <c>//host</c> as another site), so anything unusual is
/// refused rather than cleaned up, before and after percent-decoding.
/// </summary>
internal static class LocalReturnUrl
{
    public static bool IsLocal(string? url) =>
        url is not null && url.All(IsVisibleAscii) && IsPlainPath(url) && IsPlainPath(Uri.UnescapeDataString(url));

    private static bool IsVisibleAscii(char c) => c is > ' ' and < '\u007f';

    private static bool IsPlainPath(string url) =>
        url is ['/'] or ['/', not ('/' or '\\'), ..]
        && !url.Any(c => c == '\\' || char.IsControl(c) || char.IsWhiteSpace(c) || char.GetUnicodeCategory(c) == UnicodeCategory.Format);
}

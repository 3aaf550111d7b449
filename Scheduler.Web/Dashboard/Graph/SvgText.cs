using System.Net;

namespace Scheduler.Web.Dashboard.Graph;

/// <summary>Text inside the drawings: always encoded (names come from users' documents), and shortened to fit a box.</summary>
internal static class SvgText
{
    public static string E(string text) => WebUtility.HtmlEncode(text);

    /// <summary>The text, or its start and an ellipsis when it is longer than <paramref name="characters"/>; the whole text goes in a tooltip.</summary>
    public static string Shorten(string text, int characters) =>
        text.Length <= characters ? text : string.Concat(text.AsSpan(0, characters - 1), "\u2026");
}

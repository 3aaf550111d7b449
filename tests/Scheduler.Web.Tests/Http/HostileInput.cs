using System.Text;
using System.Text.Json;

namespace Scheduler.Web.Tests.Http;

/// <summary>
/// One hostile request shape, applied to every endpoint: the text put in every route value (already escaped for
/// the path), the query string, the body (sent to endpoints that take one), and one extra header.
/// </summary>
public sealed record HostileInput(
    string Name,
    string RouteValue = HostileInput.UnknownId,
    string? Query = null,
    byte[]? Body = null,
    string ContentType = "application/json",
    string? HeaderName = null,
    string? HeaderValue = null)
{
    /// <summary>A well-formed id that names nothing, for inputs that are about something else than the route.</summary>
    public const string UnknownId = "987654321";

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>A JSON string literal; NUL, control characters and lone surrogates come out as <c>\uXXXX</c> escapes.</summary>
    public static string Literal(string text) => JsonSerializer.Serialize(text);

    /// <summary>
    /// Percent-encodes the UTF-8 of the text; a lone surrogate becomes the three bytes it would have in UTF-8 if it
    /// were allowed (ED A0 80 for U+D800), which is how such text arrives from a hostile client.
    /// </summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder();
        for (var i = 0; i < text.Length; i++)
        {
            var length = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]) ? 2 : 1;
            var bytes = char.IsSurrogate(text[i]) && length == 1
                ? [(byte)(0xE0 | (text[i] >> 12)), (byte)(0x80 | ((text[i] >> 6) & 0x3F)), (byte)(0x80 | (text[i] & 0x3F))]
                : Encoding.UTF8.GetBytes(text.Substring(i, length));
            foreach (var b in bytes)
            {
                escaped.Append(char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~' ? ((char)b).ToString() : $"%{b:X2}");
            }

            i += length - 1;
        }

        return escaped.ToString();
    }

    public override string ToString() => Name;
}

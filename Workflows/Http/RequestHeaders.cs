namespace Scheduler.Workflows.Http;

/// <summary>
/// The extra headers of an Http task, one <c>Name: value</c> per line, at most <see cref="MaxHeaders"/> of them and
/// <see cref="MaxChars"/> characters in all. The headers the connection or the request itself sets (Authorization,
/// Host, Content-Type and those that frame the message) cannot be written: the token comes from the connection only.
/// </summary>
internal static class RequestHeaders
{
    public const int MaxHeaders = 20;
    public const int MaxChars = 8 * 1024;

    private static readonly string[] Reserved = ["Authorization", "Host", "Content-Type", "Content-Length", "Transfer-Encoding", "Connection", "Cookie"];

    public static (IReadOnlyList<KeyValuePair<string, string>> Headers, IReadOnlyList<string> Problems) Parse(string? text)
    {
        var headers = new List<KeyValuePair<string, string>>();
        var problems = new List<string>();
        if (text is null)
        {
            return (headers, problems);
        }

        if (text.Length > MaxChars)
        {
            return (headers, [$"the headers have more than {MaxChars} characters"]);
        }

        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var name = colon > 0 ? line[..colon].Trim() : "";
            var value = colon > 0 ? line[(colon + 1)..].Trim() : "";
            if (name.Length == 0 || !name.All(IsTokenChar) || value.Any(char.IsControl))
            {
                problems.Add($"the header line '{line}' is not 'Name: value'");
            }
            else if (Reserved.Contains(name, StringComparer.OrdinalIgnoreCase))
            {
                problems.Add($"the header '{name}' is set by the connection or the request itself and cannot be written");
            }
            else
            {
                headers.Add(new(name, value));
            }
        }

        if (headers.Count > MaxHeaders)
        {
            problems.Add($"{headers.Count} headers are more than the {MaxHeaders} a request may have");
        }

        return (headers, problems);
    }

    // RFC 9110's token characters.
    private static bool IsTokenChar(char c) => char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}

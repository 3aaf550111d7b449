namespace Scheduler.Workflows.Transfer;

/// <summary>
/// File name patterns with <c>*</c> (any run of characters) and <c>?</c> (one character), compared case-sensitively
/// like the Unix servers they are sent to. Matched here rather than by the server: FTP servers differ in what LIST
/// or NLST accept as a pattern, and SFTP has none.
/// </summary>
public static class RemoteWildcard
{
    public static bool HasWildcard(string text) => text.AsSpan().IndexOfAny('*', '?') >= 0;

    public static bool IsMatch(string pattern, string name)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        ArgumentNullException.ThrowIfNull(name);

        // Greedy matching with one backtrack point: linear for the patterns people write, no regex to escape.
        int p = 0, n = 0, star = -1, resume = 0;
        while (n < name.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || pattern[p] == name[n]))
            {
                p++;
                n++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = n;
            }
            else if (star >= 0)
            {
                p = star + 1;
                n = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }
}

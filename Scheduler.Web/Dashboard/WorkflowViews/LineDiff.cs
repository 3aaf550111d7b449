namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>Whether a line of a diff is in both versions, only the newer one, or only the older one.</summary>
internal enum DiffKind
{
    Same,
    Added,
    Removed,
}

internal sealed record DiffLine(DiffKind Kind, string Text);

/// <summary>
/// A line diff of two texts: the longest common subsequence of their lines, after the lines they share at the start
/// and the end are set aside. The table it needs grows with the product of the changed lines' counts, so a change of
/// more than <see cref="MaxChangedLines"/> lines on either side is refused (null) rather than computed.
/// </summary>
internal static class LineDiff
{
    /// <summary>The most lines, on either side, between the first and the last line that differ.</summary>
    public const int MaxChangedLines = 2000;

    public static IReadOnlyList<DiffLine>? Compare(IReadOnlyList<string> older, IReadOnlyList<string> newer)
    {
        var prefix = 0;
        while (prefix < older.Count && prefix < newer.Count && older[prefix] == newer[prefix])
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < older.Count - prefix && suffix < newer.Count - prefix && older[^(suffix + 1)] == newer[^(suffix + 1)])
        {
            suffix++;
        }

        var (n, m) = (older.Count - prefix - suffix, newer.Count - prefix - suffix);
        if (n > MaxChangedLines || m > MaxChangedLines)
        {
            return null;
        }

        // common[i, j]: the longest common subsequence of older's changed lines from i and newer's from j.
        var common = new int[n + 1, m + 1];
        for (var i = n - 1; i >= 0; i--)
        {
            for (var j = m - 1; j >= 0; j--)
            {
                common[i, j] = older[prefix + i] == newer[prefix + j] ? common[i + 1, j + 1] + 1 : Math.Max(common[i + 1, j], common[i, j + 1]);
            }
        }

        var lines = new List<DiffLine>(older.Count + m);
        lines.AddRange(older.Take(prefix).Select(l => new DiffLine(DiffKind.Same, l)));
        var (a, b) = (0, 0);
        while (a < n || b < m)
        {
            if (a < n && b < m && older[prefix + a] == newer[prefix + b])
            {
                lines.Add(new(DiffKind.Same, older[prefix + a++]));
                b++;
            }
            else if (a < n && (b == m || common[a + 1, b] >= common[a, b + 1]))
            {
                lines.Add(new(DiffKind.Removed, older[prefix + a++]));
            }
            else
            {
                lines.Add(new(DiffKind.Added, newer[prefix + b++]));
            }
        }

        lines.AddRange(older.Skip(older.Count - suffix).Select(l => new DiffLine(DiffKind.Same, l)));
        return lines;
    }
}

using System.Text;

namespace Scheduler.Dataflows.Expressions;

/// <summary>
/// Replaces parameter names that are not plain identifiers (<c>RunDataflow1.rowsRejected</c>) by aliases the C# parser
/// accepts, outside string and character literals, and keeps a map back to the original positions for error messages.
/// </summary>
internal sealed class ParameterNameRewriter
{
    private readonly string _original;
    private readonly int[] _originalPositions;

    private ParameterNameRewriter(string original, string rewritten, int[] originalPositions)
    {
        _original = original;
        Rewritten = rewritten;
        _originalPositions = originalPositions;
    }

    public string Rewritten { get; }

    /// <param name="aliases">Parameter name to the identifier it is written as; names absent from it are written as themselves.</param>
    public static ParameterNameRewriter Rewrite(string text, IReadOnlyDictionary<string, string> aliases)
    {
        var aliased = aliases.Keys.OrderByDescending(name => name.Length).ToArray();
        var output = new StringBuilder(text.Length + 16);
        var positions = new List<int>(text.Length + 17);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c is '"' or '\'')
            {
                var end = EndOfLiteral(text, i);
                Copy(text, i, end, output, positions);
                i = end;
                continue;
            }

            if (IsIdentifierStart(c) && (i == 0 || (!IsIdentifierPart(text[i - 1]) && text[i - 1] != '.')))
            {
                var name = aliased.FirstOrDefault(n => string.CompareOrdinal(text, i, n, 0, n.Length) == 0 && (i + n.Length == text.Length || !IsIdentifierPart(text[i + n.Length])));
                if (name is not null)
                {
                    foreach (var ch in aliases[name])
                    {
                        output.Append(ch);
                        positions.Add(i);
                    }

                    i += name.Length;
                    continue;
                }
            }

            output.Append(c);
            positions.Add(i);
            i++;
        }

        positions.Add(text.Length);
        return new ParameterNameRewriter(text, output.ToString(), [.. positions]);
    }

    public static bool IsIdentifier(string name) =>
        name.Length > 0 && IsIdentifierStart(name[0]) && name.AsSpan(1).IndexOfAnyExcept(IdentifierPartChars) < 0;

    /// <summary>The position in the original text of a position in the rewritten one.</summary>
    public int OriginalPosition(int rewrittenPosition) =>
        _originalPositions[Math.Clamp(rewrittenPosition, 0, _originalPositions.Length - 1)];

    /// <summary>The dotted name written at <paramref name="originalPosition"/>, such as <c>RunDataflow1.rowsRejectd</c>.</summary>
    public string DottedNameAt(int originalPosition)
    {
        var end = originalPosition;
        while (end < _original.Length && (IsIdentifierPart(_original[end]) || (_original[end] == '.' && end + 1 < _original.Length && IsIdentifierStart(_original[end + 1]))))
        {
            end++;
        }

        return _original[originalPosition..end];
    }

    private static readonly System.Buffers.SearchValues<char> IdentifierPartChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static bool IsIdentifierStart(char c) => char.IsAsciiLetter(c) || c == '_';

    private static bool IsIdentifierPart(char c) => char.IsAsciiLetterOrDigit(c) || c == '_';

    /// <summary>The index just after the string or character literal that starts at <paramref name="start"/>.</summary>
    internal static int EndOfLiteral(string text, int start)
    {
        var quote = text[start];
        var i = start + 1;
        while (i < text.Length && text[i] != quote)
        {
            i += text[i] == '\\' ? 2 : 1;
        }

        return Math.Min(i + 1, text.Length);
    }

    private static void Copy(string text, int start, int end, StringBuilder output, List<int> positions)
    {
        for (var i = start; i < end; i++)
        {
            output.Append(text[i]);
            positions.Add(i);
        }
    }
}

using System.Text.RegularExpressions;

namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// The regular expression of a Validate rule's <c>pattern</c>. It runs once per row, so a pattern that backtracks
/// catastrophically (<c>(a+)+$</c>) would stall a load row after row: the non-backtracking engine matches in time
/// linear in the value, at the price of backreferences and lookarounds, which such a rule does not need.
/// </summary>
public static class ValidationPattern
{
    /// <summary>The longest pattern, in characters.</summary>
    public const int MaxLength = 1_000;

    /// <summary>Builds the pattern's matcher, or says why it cannot be one.</summary>
    public static Regex? TryCreate(string pattern, out string? problem)
    {
        if (pattern.Length > MaxLength)
        {
            problem = $"the pattern is {pattern.Length} characters long; the limit is {MaxLength} (ValidationPattern.MaxLength)";
            return null;
        }

        try
        {
            problem = null;
            return new Regex(pattern, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (RegexParseException e)
        {
            problem = $"'{pattern}' is not a valid regular expression ({e.Error} at offset {e.Offset})";
        }
        catch (NotSupportedException e)
        {
            problem = $"'{pattern}' uses what a pattern may not (backreferences, lookarounds, atomic groups, conditionals): {e.Message}";
        }

        return null;
    }
}

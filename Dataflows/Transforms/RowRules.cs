using System.Globalization;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Destinations;
using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Transforms;

/// <summary>Builds the checks of Validate rules. Null values pass every rule but an expression (use required for them).</summary>
internal static class RowRules
{
    public static RowRule Range(ValidationRule rule, int index, ColumnType type)
    {
        var (min, max) = (rule.Min, rule.Max);
        var bounds = (min, max) switch
        {
            (not null, not null) => $"between {min} and {max}",
            (not null, null) => $"at least {min}",
            _ => $"at most {max}",
        };
        return new RowRule(rule.Column, row =>
        {
            var value = row[index];
            if (value is null)
            {
                return null;
            }

            var inRange = type == ColumnType.Double
                ? (min is null || (double)value >= (double)min) && (max is null || (double)value <= (double)max)
                : Convert.ToDecimal(value, CultureInfo.InvariantCulture) is var number && (min is null || number >= min) && (max is null || number <= max);
            return inRange ? null : rule.Message ?? $"{Format(value)} is not {bounds}";
        });
    }

    public static RowRule Pattern(ValidationRule rule, int index)
    {
        var regex = ValidationPattern.TryCreate(rule.Pattern!, out var problem) ?? throw new ArgumentException(problem, nameof(rule));
        return new RowRule(rule.Column, row =>
            row[index] is not string text || regex.IsMatch(text) ? null : rule.Message ?? $"'{text}' does not match the pattern '{rule.Pattern}'");
    }

    /// <summary>Values are compared by their invariant text, as they would be written to a CSV file.</summary>
    public static RowRule Allowed(ValidationRule rule, int index)
    {
        var allowed = rule.Allowed!.ToHashSet(StringComparer.Ordinal);
        var list = string.Join(", ", rule.Allowed!);
        return new RowRule(rule.Column, row =>
            row[index] is not { } value || allowed.Contains(CsvFileDestination.Format(value)) ? null : rule.Message ?? $"{Format(value)} is not one of: {list}");
    }

    public static RowRule Expression(ValidationRule rule, Func<object?[], bool> predicate) => new(null, row =>
    {
        try
        {
            return predicate(row) ? null : rule.Message ?? $"fails the rule '{rule.Expression}'";
        }
        catch (Exception exception) when (ExpressionFailures.IsRowFailure(exception))
        {
            return $"the rule '{rule.Expression}' failed: {ExpressionCompiler.DescribeRuntimeFailure(exception)}";
        }
    });

    private static string Format(object value) => value is string text ? $"'{text}'" : CsvFileDestination.Format(value);
}

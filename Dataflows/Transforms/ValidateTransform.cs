namespace Scheduler.Dataflows.Transforms;

/// <summary>Checks each rule in order; the first that fails rejects the row with the rule's message.</summary>
internal sealed class ValidateTransform(IReadOnlyList<RowRule> rules) : IRowTransform
{
    public TransformVerdict Apply(ref object?[] row)
    {
        foreach (var rule in rules)
        {
            if (rule.Check(row) is { } reason)
            {
                return TransformVerdict.Reject(rule.Column, reason);
            }
        }

        return TransformVerdict.Keep;
    }
}

/// <summary>A compiled validation rule: null when the row passes, else the reason it is rejected.</summary>
internal sealed record RowRule(string? Column, Func<object?[], string?> Check);

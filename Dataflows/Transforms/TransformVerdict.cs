namespace Scheduler.Dataflows.Transforms;

/// <summary>What a transform decided for one row: keep it, drop it (a filter), or reject it with a reason.</summary>
internal readonly record struct TransformVerdict(TransformOutcome Outcome, string? Column, string? Reason)
{
    public static TransformVerdict Keep => default;

    public static TransformVerdict Drop => new(TransformOutcome.Drop, null, null);

    public static TransformVerdict Reject(string? column, string reason) => new(TransformOutcome.Reject, column, reason);
}

internal enum TransformOutcome
{
    Keep,
    Drop,
    Reject,
}

/// <summary>
/// One streamed step between source and destination, built and type-checked once per run. Rows are transformed on
/// several threads at once, so a transform keeps no state between rows.
/// </summary>
internal interface IRowTransform
{
    /// <param name="row">The row's values by column index, owned by this row; a transform that reshapes the row points it at a new array.</param>
    TransformVerdict Apply(ref object?[] row);
}

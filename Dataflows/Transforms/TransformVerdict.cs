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

/// <summary>One streamed step between source and destination, built and type-checked once per run.</summary>
internal interface IRowTransform
{
    /// <param name="row">The row's values by column index; a transform that reshapes the row points it at its own buffer.</param>
    TransformVerdict Apply(ref object?[] row);
}

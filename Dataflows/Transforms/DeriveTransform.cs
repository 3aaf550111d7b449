using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Transforms;

/// <summary>Sets one column (new, appended; or existing, replaced in place) from an expression over the row.</summary>
internal sealed class DeriveTransform(string column, int index, string expression, Func<object?[], object?> compute) : IRowTransform
{
    public TransformVerdict Apply(ref object?[] row)
    {
        try
        {
            row[index] = compute(row);
            return TransformVerdict.Keep;
        }
        catch (Exception exception) when (ExpressionFailures.IsRowFailure(exception))
        {
            return TransformVerdict.Reject(column, $"'{expression}' failed: {ExpressionCompiler.DescribeRuntimeFailure(exception)}");
        }
    }
}

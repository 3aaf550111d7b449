using Scheduler.Dataflows.Expressions;

namespace Scheduler.Dataflows.Transforms;

/// <summary>Keeps the rows for which the expression is true; a row whose evaluation fails is rejected, not dropped.</summary>
internal sealed class FilterTransform(string expression, Func<object?[], bool> predicate) : IRowTransform
{
    public TransformVerdict Apply(ref object?[] row)
    {
        try
        {
            return predicate(row) ? TransformVerdict.Keep : TransformVerdict.Drop;
        }
        catch (Exception exception) when (ExpressionFailures.IsRowFailure(exception))
        {
            return TransformVerdict.Reject(null, $"filter '{expression}' failed: {ExpressionCompiler.DescribeRuntimeFailure(exception)}");
        }
    }
}

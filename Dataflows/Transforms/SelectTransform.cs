namespace Scheduler.Dataflows.Transforms;

/// <summary>Chooses and reorders columns into a new row (renaming happens in the plan's column list only).</summary>
internal sealed class SelectTransform(int[] sourceIndexes, int bufferWidth) : IRowTransform
{
    public TransformVerdict Apply(ref object?[] row)
    {
        // A new array rather than a buffer of this transform's own: rows are transformed on several threads at once.
        var selected = new object?[bufferWidth];
        for (var i = 0; i < sourceIndexes.Length; i++)
        {
            selected[i] = row[sourceIndexes[i]];
        }

        row = selected;
        return TransformVerdict.Keep;
    }
}

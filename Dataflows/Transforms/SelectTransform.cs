namespace Scheduler.Dataflows.Transforms;

/// <summary>Chooses and reorders columns into a buffer of its own (renaming happens in the plan's column list only).</summary>
internal sealed class SelectTransform(int[] sourceIndexes, int bufferWidth) : IRowTransform
{
    private readonly object?[] _buffer = new object?[bufferWidth];

    public TransformVerdict Apply(ref object?[] row)
    {
        for (var i = 0; i < sourceIndexes.Length; i++)
        {
            _buffer[i] = row[sourceIndexes[i]];
        }

        row = _buffer;
        return TransformVerdict.Keep;
    }
}

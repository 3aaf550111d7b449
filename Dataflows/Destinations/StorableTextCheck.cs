using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Transforms;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// Rejects a row whose text PostgreSQL cannot store (<see cref="PostgresText"/>). Without it one such value failed the
/// whole load with the server's "invalid byte sequence for encoding UTF8: 0x00", naming no row. Runs after the
/// transforms, on the row as written.
/// </summary>
internal sealed class StorableTextCheck(IReadOnlyList<ColumnDefinition> columns) : IRowTransform
{
    private readonly int[] _textColumns = [.. Enumerable.Range(0, columns.Count).Where(i => columns[i].Type == ColumnType.String)];

    public TransformVerdict Apply(ref object?[] row)
    {
        foreach (var index in _textColumns)
        {
            if (row[index] is string text && PostgresText.Problem(text) is { } problem)
            {
                return TransformVerdict.Reject(columns[index].Name, problem);
            }
        }

        return TransformVerdict.Keep;
    }
}

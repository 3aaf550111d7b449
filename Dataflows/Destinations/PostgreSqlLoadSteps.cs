using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>
/// What a load mode runs inside the load's one transaction: statements before the COPY, the table the COPY fills,
/// and statements after it. A failure anywhere rolls all of it back.
/// </summary>
internal sealed record PostgreSqlLoadSteps(IReadOnlyList<string> Before, TableName CopyInto, IReadOnlyList<string> After)
{
    /// <param name="existingSchema">The schema the target table was found in, or null when it does not exist.</param>
    public static PostgreSqlLoadSteps For(DestinationDefinition destination, TableName table, string? existingSchema, IReadOnlyList<ColumnDefinition> columns)
    {
        var keys = destination.Mode == LoadMode.Upsert ? destination.KeyColumns : [];
        var temporaryName = $"scheduler_load_{Guid.NewGuid():N}";
        if (destination.Mode == LoadMode.Upsert)
        {
            // Staged even into a new table, so that a key repeated in the file merges as it would into an existing one.
            var staging = new TableName(null, temporaryName);
            var target = existingSchema is null ? table : table with { Schema = existingSchema };
            List<string> before = existingSchema is null ? [PostgreSqlTableSchema.CreateTableSql(table, columns, keys)] : [];
            before.Add(PostgreSqlTableSchema.CreateStagingSql(staging, columns));
            return new(before, staging, [PostgreSqlTableSchema.UpsertSql(staging, target, columns, keys)]);
        }

        if (existingSchema is null)
        {
            // A new table has no readers to protect and no rows to keep: the other modes load it directly.
            return new([PostgreSqlTableSchema.CreateTableSql(table, columns, keys)], table, []);
        }

        var existing = table with { Schema = existingSchema };
        switch (destination.Mode)
        {
            case LoadMode.Truncate:
                return new([PostgreSqlTableSchema.TruncateSql(existing)], existing, []);
            case LoadMode.Replace:
                var replacement = new TableName(existingSchema, temporaryName);
                return new([PostgreSqlTableSchema.CreateReplacementSql(replacement, existing)], replacement, PostgreSqlTableSchema.SwapSql(replacement, existing));
            default:
                return new([], existing, []);
        }
    }
}

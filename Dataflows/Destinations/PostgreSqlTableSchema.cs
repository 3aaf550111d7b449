using System.Text;
using NpgsqlTypes;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>How column definitions map to PostgreSQL: DDL types, binary COPY types, and the statements of each load mode.</summary>
internal static class PostgreSqlTableSchema
{
    /// <summary>Orders staged rows, so that when a file repeats a key the last row wins, as a sequence of single upserts would.</summary>
    private const string StagingRowColumn = "__scheduler_row";

    public static string SqlType(ColumnDefinition column) => column.Type switch
    {
        ColumnType.String => column.MaxLength is { } maxLength ? $"varchar({maxLength})" : "text",
        ColumnType.Int => "integer",
        ColumnType.Long => "bigint",
        ColumnType.Decimal => "numeric",
        ColumnType.Double => "double precision",
        ColumnType.Bool => "boolean",
        ColumnType.Date => "date",
        ColumnType.Timestamp => "timestamp",
        ColumnType.TimestampWithOffset => "timestamptz",
        ColumnType.Guid => "uuid",
        _ => throw new ArgumentOutOfRangeException(nameof(column), column.Type, null),
    };

    public static NpgsqlDbType DbType(ColumnType type) => type switch
    {
        ColumnType.String => NpgsqlDbType.Text,
        ColumnType.Int => NpgsqlDbType.Integer,
        ColumnType.Long => NpgsqlDbType.Bigint,
        ColumnType.Decimal => NpgsqlDbType.Numeric,
        ColumnType.Double => NpgsqlDbType.Double,
        ColumnType.Bool => NpgsqlDbType.Boolean,
        ColumnType.Date => NpgsqlDbType.Date,
        ColumnType.Timestamp => NpgsqlDbType.Timestamp,
        ColumnType.TimestampWithOffset => NpgsqlDbType.TimestampTz,
        ColumnType.Guid => NpgsqlDbType.Uuid,
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    /// <param name="keyColumns">Made the primary key when not empty (an upsert needs a unique index on them).</param>
    /// <remarks>
    /// Two loads that create the same table at once would both pass IF NOT EXISTS and the later one fail on the catalog's
    /// unique index when the first commits; a lock on the table's name, held until the load commits, makes the later
    /// one find the table instead.
    /// </remarks>
    public static string CreateTableSql(TableName table, IReadOnlyList<ColumnDefinition> columns, IReadOnlyList<string> keyColumns)
    {
        var sql = new StringBuilder("SELECT pg_advisory_xact_lock(hashtextextended('")
            .Append(table.Sql.Replace("'", "''", StringComparison.Ordinal))
            .Append("', 0)); CREATE TABLE IF NOT EXISTS ").Append(table.Sql).Append(" (");
        AppendColumns(sql, columns, withConstraints: true);
        if (keyColumns.Count > 0)
        {
            sql.Append(", PRIMARY KEY (").Append(ColumnList(keyColumns)).Append(')');
        }

        return sql.Append(')').ToString();
    }

    public static string CopySql(TableName table, IReadOnlyList<ColumnDefinition> columns) =>
        $"COPY {table.Sql} ({ColumnList(columns.Select(c => c.Name))}) FROM STDIN (FORMAT BINARY)";

    public static string TruncateSql(TableName table) => $"TRUNCATE TABLE {table.Sql}";

    /// <summary>A copy of the target with its defaults, constraints and indexes, loaded while readers still see the old table.</summary>
    public static string CreateReplacementSql(TableName replacement, TableName target) =>
        $"CREATE TABLE {replacement.Sql} (LIKE {target.Sql} INCLUDING ALL)";

    public static IReadOnlyList<string> SwapSql(TableName replacement, TableName target) =>
        [$"DROP TABLE {target.Sql}", $"ALTER TABLE {replacement.Sql} RENAME TO {TableName.QuoteIdentifier(target.Name)}"];

    public static string CreateStagingSql(TableName staging, IReadOnlyList<ColumnDefinition> columns)
    {
        var sql = new StringBuilder("CREATE TEMPORARY TABLE ").Append(staging.Sql).Append(" (");
        AppendColumns(sql, columns, withConstraints: false);
        return sql.Append(", ").Append(TableName.QuoteIdentifier(StagingRowColumn)).Append(" bigserial) ON COMMIT DROP").ToString();
    }

    public static string UpsertSql(TableName staging, TableName target, IReadOnlyList<ColumnDefinition> columns, IReadOnlyList<string> keyColumns)
    {
        var all = ColumnList(columns.Select(c => c.Name));
        var keys = ColumnList(keyColumns);
        var updates = columns
            .Where(c => !keyColumns.Contains(c.Name, StringComparer.OrdinalIgnoreCase))
            .Select(c => $"{TableName.QuoteIdentifier(c.Name)} = EXCLUDED.{TableName.QuoteIdentifier(c.Name)}")
            .ToArray();
        return $"INSERT INTO {target.Sql} ({all}) " +
            $"SELECT DISTINCT ON ({keys}) {all} FROM {staging.Sql} ORDER BY {keys}, {TableName.QuoteIdentifier(StagingRowColumn)} DESC " +
            $"ON CONFLICT ({keys}) DO " + (updates.Length == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates));
    }

    private static void AppendColumns(StringBuilder sql, IReadOnlyList<ColumnDefinition> columns, bool withConstraints)
    {
        for (var i = 0; i < columns.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ")
                .Append(TableName.QuoteIdentifier(columns[i].Name))
                .Append(' ')
                .Append(SqlType(columns[i]))
                .Append(withConstraints && columns[i].Required ? " NOT NULL" : "");
        }
    }

    private static string ColumnList(IEnumerable<string> names) => string.Join(", ", names.Select(TableName.QuoteIdentifier));
}

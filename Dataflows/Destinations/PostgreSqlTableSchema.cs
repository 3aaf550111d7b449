using System.Text;
using NpgsqlTypes;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Destinations;

/// <summary>How column definitions map to PostgreSQL: DDL types, binary COPY types, the COPY and CREATE TABLE statements.</summary>
internal static class PostgreSqlTableSchema
{
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
        _ => throw new ArgumentOutOfRangeException(nameof(type), type, null),
    };

    public static string CreateTableSql(TableName table, IReadOnlyList<ColumnDefinition> columns)
    {
        var sql = new StringBuilder("CREATE TABLE IF NOT EXISTS ").Append(table.Sql).Append(" (");
        for (var i = 0; i < columns.Count; i++)
        {
            sql.Append(i == 0 ? "" : ", ")
                .Append(TableName.QuoteIdentifier(columns[i].Name))
                .Append(' ')
                .Append(SqlType(columns[i]))
                .Append(columns[i].Required ? " NOT NULL" : "");
        }

        return sql.Append(')').ToString();
    }

    public static string CopySql(TableName table, IReadOnlyList<ColumnDefinition> columns) =>
        $"COPY {table.Sql} ({string.Join(", ", columns.Select(c => TableName.QuoteIdentifier(c.Name)))}) FROM STDIN (FORMAT BINARY)";
}

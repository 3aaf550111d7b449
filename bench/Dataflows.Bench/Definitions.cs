using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Bench;

/// <summary>The benchmark table and the two dataflows loaded into it: typed with rejection checks, and the same with a Filter and a Derive.</summary>
internal static class Definitions
{
    /// <summary>Logged (not UNLOGGED), typed, without indexes: the table psql's \copy and the dataflow both load.</summary>
    public const string CreateTableSql =
        "DROP TABLE IF EXISTS orders; CREATE TABLE orders (id bigint NOT NULL, customer text NOT NULL, email text, amount numeric, quantity integer, " +
        "created_at timestamptz, country varchar(2), active boolean, note text)";

    public static long? InputRows { get; set; }

    public static DataflowDefinition Plain { get; } = new()
    {
        Name = "bench-orders",
        Source = new SourceDefinition
        {
            Columns =
            [
                new ColumnDefinition { Name = "id", Type = ColumnType.Long, Required = true },
                new ColumnDefinition { Name = "customer", Required = true },
                new ColumnDefinition { Name = "email", EmptyAsNull = true },
                new ColumnDefinition { Name = "amount", Type = ColumnType.Decimal },
                new ColumnDefinition { Name = "quantity", Type = ColumnType.Int },
                new ColumnDefinition { Name = "created_at", Type = ColumnType.TimestampWithOffset },
                new ColumnDefinition { Name = "country", MinLength = 2, MaxLength = 2 },
                new ColumnDefinition { Name = "active", Type = ColumnType.Bool },
                new ColumnDefinition { Name = "note", EmptyAsNull = true },
            ],
        },
        Destination = new DestinationDefinition { Type = DestinationType.PostgreSql, Connection = "bench", Table = "orders" },
    };

    public static DataflowDefinition WithTransforms { get; } = Plain with
    {
        Transforms =
        [
            new TransformDefinition { Type = TransformType.Filter, Expression = "quantity > 0" },
            new TransformDefinition { Type = TransformType.Derive, Column = "amount", Expression = "amount * 1.2m" },
        ],
    };

    /// <summary>The orders sheet that <see cref="XlsxOrdersGenerator"/> writes, typed as the CSV load is, into a CSV file.</summary>
    public static DataflowDefinition Excel { get; } = new()
    {
        Name = "bench-excel",
        Source = Plain.Source with
        {
            Type = SourceType.Excel,
            Sheet = "Orders",
            Columns = [.. Plain.Source.Columns.Select(c => c.Name == "created_at" ? c with { Type = ColumnType.Timestamp } : c)],
        },
        Destination = new DestinationDefinition { Type = DestinationType.CsvFile, Path = "excel.csv" },
    };

    /// <summary>The export's query: every column of the loaded table, limited by a bound parameter.</summary>
    public const string ExportQuery = "SELECT id, customer, email, amount, quantity, created_at, country, active, note FROM orders LIMIT @rows";

    /// <summary>The query's rows, typed from its result, into a CSV file: the export direction.</summary>
    public static DataflowDefinition Export { get; } = new()
    {
        Name = "bench-export",
        Source = new SourceDefinition
        {
            Type = SourceType.PostgreSql,
            Connection = "bench",
            Query = ExportQuery,
            Parameters = [new QueryParameterDefinition { Name = "rows", Type = ColumnType.Long }],
        },
        Destination = new DestinationDefinition { Type = DestinationType.CsvFile, Path = "export.csv" },
    };
}

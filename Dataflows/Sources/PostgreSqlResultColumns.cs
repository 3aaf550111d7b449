using Npgsql;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>
/// The columns of a query's result that a PostgreSql source reads: the declared ones, found by name, or every
/// column of the result typed from its PostgreSQL type. Each is read with its natural .NET type, then converted to the
/// declared type like any typed value (a text column declared int is parsed, row by row).
/// </summary>
internal sealed class PostgreSqlResultColumns
{
    private static readonly Dictionary<string, ColumnType> TypesByPostgreSqlName = new(StringComparer.Ordinal)
    {
        ["int2"] = ColumnType.Int,
        ["int4"] = ColumnType.Int,
        ["int8"] = ColumnType.Long,
        ["numeric"] = ColumnType.Decimal,
        ["float4"] = ColumnType.Double,
        ["float8"] = ColumnType.Double,
        ["bool"] = ColumnType.Bool,
        ["date"] = ColumnType.Date,
        ["timestamp"] = ColumnType.Timestamp,
        ["timestamptz"] = ColumnType.TimestampWithOffset,
        ["uuid"] = ColumnType.Guid,
        ["text"] = ColumnType.String,
        ["varchar"] = ColumnType.String,
        ["bpchar"] = ColumnType.String,
        ["name"] = ColumnType.String,
        ["citext"] = ColumnType.String,
    };

    private readonly int[] _ordinals;
    private readonly ColumnType[] _readAs;

    private PostgreSqlResultColumns(IReadOnlyList<ColumnDefinition> columns, int[] ordinals, ColumnType[] readAs)
    {
        Columns = columns;
        _ordinals = ordinals;
        _readAs = readAs;
    }

    /// <summary>The columns rows are typed into: the declared ones, or the result's.</summary>
    public IReadOnlyList<ColumnDefinition> Columns { get; }

    /// <summary>Whether every column is read as the type it is declared as, so typing converts nothing.</summary>
    public bool ReadAsDeclared => _readAs.Select((type, i) => type == Columns[i].Type).All(same => same);

    /// <exception cref="DataflowException">A declared column is not in the result, or a column read has a type no column type holds.</exception>
    public static PostgreSqlResultColumns Match(NpgsqlDataReader reader, IReadOnlyList<ColumnDefinition> declared)
    {
        var names = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToList();
        var columns = declared.Count > 0
            ? declared
            : [.. names.Select((name, i) => new ColumnDefinition { Name = name, Type = TypeOf(reader, i) ?? ColumnType.String })];
        var ordinals = new int[columns.Count];
        var readAs = new ColumnType[columns.Count];
        var problems = new List<string>();
        for (var i = 0; i < columns.Count; i++)
        {
            ordinals[i] = declared.Count > 0 ? names.FindIndex(n => string.Equals(n, columns[i].Name, StringComparison.OrdinalIgnoreCase)) : i;
            if (ordinals[i] < 0)
            {
                problems.Add($"the query's result has no column '{columns[i].Name}'");
            }
            else if (TypeOf(reader, ordinals[i]) is { } type)
            {
                readAs[i] = type;
            }
            else
            {
                var name = names[ordinals[i]];
                problems.Add($"the column '{name}' is of the PostgreSQL type {reader.GetDataTypeName(ordinals[i])}, which no column type holds; cast it in the query, such as {name}::text");
            }
        }

        if (names.GroupBy(n => n, StringComparer.OrdinalIgnoreCase).FirstOrDefault(g => g.Count() > 1) is { } twice && (declared.Count == 0 || declared.Any(c => string.Equals(c.Name, twice.Key, StringComparison.OrdinalIgnoreCase))))
        {
            problems.Add($"the query's result has two columns named '{twice.Key}'; name them apart with AS");
        }

        return problems.Count == 0
            ? new PostgreSqlResultColumns(columns, ordinals, readAs)
            : throw new DataflowException($"The query's result does not fit the source: {string.Join("; ", problems)}. Its columns: {string.Join(", ", names)}.");
    }

    /// <summary>The values of the reader's current row, one per column.</summary>
    public object?[] Read(NpgsqlDataReader reader, long row)
    {
        var values = new object?[_ordinals.Length];
        for (var i = 0; i < _ordinals.Length; i++)
        {
            var ordinal = _ordinals[i];
            try
            {
                values[i] = reader.IsDBNull(ordinal) ? null : ReadValue(reader, ordinal, _readAs[i]);
            }
            catch (Exception exception) when (exception is InvalidCastException or OverflowException)
            {
                throw new DataflowException(
                    $"Row {row}, column {Columns[i].Name}: the value cannot be read as a {ColumnTypeNames.Of(_readAs[i])} ({exception.Message}); cast it in the query", exception);
            }
        }

        return values;
    }

    private static object ReadValue(NpgsqlDataReader reader, int ordinal, ColumnType type) => type switch
    {
        ColumnType.Int => reader.GetInt32(ordinal),
        ColumnType.Long => reader.GetInt64(ordinal),
        ColumnType.Decimal => reader.GetDecimal(ordinal),
        ColumnType.Double => reader.GetDouble(ordinal),
        ColumnType.Bool => TypedValueConversion.Box(reader.GetBoolean(ordinal)),
        ColumnType.Date => reader.GetFieldValue<DateOnly>(ordinal),
        ColumnType.Timestamp => reader.GetDateTime(ordinal),
        ColumnType.TimestampWithOffset => reader.GetFieldValue<DateTimeOffset>(ordinal),
        ColumnType.Guid => reader.GetGuid(ordinal),
        _ => reader.GetString(ordinal),
    };

    private static ColumnType? TypeOf(NpgsqlDataReader reader, int ordinal) =>
        TypesByPostgreSqlName.TryGetValue(reader.GetPostgresType(ordinal).InternalName, out var type) ? type : null;
}

using System.Text.Json.Serialization;

namespace Scheduler.Dataflows.Definitions;

/// <summary>A dataflow as written in its JSON file: where rows come from, how they are typed and changed, where they go.</summary>
public sealed record DataflowDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    public required SourceDefinition Source { get; init; }

    /// <summary>Applied to each row in the order written, between the source and the destination.</summary>
    /// <remarks>Defaults sit in getters: the JSON source generator sets absent init-only properties to null (see <see cref="SourceDefinition.HasHeader"/>).</remarks>
    public IReadOnlyList<TransformDefinition> Transforms { get => field ?? []; init; }

    public required DestinationDefinition Destination { get; init; }

    /// <summary>How many rows may be rejected before the run fails and loads nothing.</summary>
    public int MaxErrors { get; init; }
}

public sealed record ColumnDefinition
{
    public required string Name { get; init; }
    public ColumnType Type { get; init; } = ColumnType.String;
    public bool Required { get; init; }
    public int? MinLength { get; init; }
    public int? MaxLength { get; init; }

    /// <summary>Whether an empty field of a string column is null rather than "". Other types always read empty as null.</summary>
    public bool EmptyAsNull { get; init; }

    /// <summary>Exact .NET format of a date, timestamp or timestampWithOffset column, such as <c>dd/MM/yyyy</c>; ISO 8601 when absent.</summary>
    public string? Format { get; init; }

    /// <summary>FixedWidth: the 1-based character position where the field starts.</summary>
    public int? Start { get; init; }

    /// <summary>FixedWidth: the field's width in characters.</summary>
    public int? Length { get; init; }
}

public sealed record DestinationDefinition
{
    public required DestinationType Type { get; init; }

    /// <summary>PostgreSql: the name of a connection the host knows (never a connection string).</summary>
    public string? Connection { get; init; }

    /// <summary>PostgreSql: <c>table</c> or <c>schema.table</c>.</summary>
    public string? Table { get; init; }

    public bool CreateTable { get; init; }
    public LoadMode Mode { get; init; } = LoadMode.Append;

    /// <summary>PostgreSql with mode Upsert: the columns that identify a row (a primary key or unique index on the table).</summary>
    public IReadOnlyList<string> KeyColumns { get => field ?? []; init; }

    /// <summary>CsvFile and JsonLinesFile: the output file; relative to the run's working directory unless rooted.</summary>
    public string? Path { get; init; }
}

public enum SourceType
{
    Csv,
    PostgreSql,
    JsonLines,
    FixedWidth,
    Excel,
}

public enum DestinationType
{
    PostgreSql,
    CsvFile,
    JsonLinesFile,
}

public enum LoadMode
{
    Append,
    Truncate,
    Replace,
    Upsert,
}

// The members are named after the types of the values they hold: that is the point of them.
#pragma warning disable CA1720
[JsonConverter(typeof(ColumnTypeJsonConverter))]
public enum ColumnType
{
    String,
    Int,
    Long,
    Decimal,
    Double,
    Bool,
    Date,
    Timestamp,
    TimestampWithOffset,
    Guid,
}
#pragma warning restore CA1720

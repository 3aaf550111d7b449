namespace Scheduler.Dataflows.Definitions;

/// <summary>
/// Where rows come from: a delimited text file and how to read it (a file whose name ends in <c>.gz</c> is
/// decompressed on the fly), or a query on a PostgreSql connection.
/// </summary>
public sealed record SourceDefinition
{
    public SourceType Type { get; init; } = SourceType.Csv;

    /// <summary>PostgreSql: the name of a connection the host knows (never a connection string).</summary>
    public string? Connection { get; init; }

    /// <summary>PostgreSql: one SELECT (or VALUES, or a statement with RETURNING); values come in as <c>@name</c> parameters.</summary>
    public string? Query { get; init; }

    /// <summary>PostgreSql: the query's parameters, each a value the run gives (a RunDataflow task's input of that name).</summary>
    public IReadOnlyList<QueryParameterDefinition> Parameters { get => field ?? []; init; }

    /// <summary>Without a header, fields are taken by position in the order of <see cref="Columns"/>.</summary>
    /// <remarks>
    /// A setter, not init: the System.Text.Json source generator passes every init-only property, absent or not, so an
    /// absent one would be false. For the same reason the other defaults below are applied in the getters.
    /// </remarks>
    public bool HasHeader { get; set; } = true;

    public string Delimiter { get => field ?? ","; init; }
    public string Quote { get => field ?? "\""; init; }

    /// <summary>
    /// Absent or equal to the quote: RFC 4180 (quoted fields, doubled quotes). Another character, such as <c>\</c>, switches to
    /// escape mode as MySQL writes it: fields are not quoted, and the character escapes delimiters, quotes and line breaks.
    /// </summary>
    public string? Escape { get; init; }

    /// <summary>Physical lines skipped before the header (or the first record), such as a title line.</summary>
    public int SkipLines { get; init; }

    /// <summary><c>utf-8</c> (with or without BOM), <c>latin1</c>, <c>utf-16</c> (little-endian unless a BOM says otherwise) or <c>utf-16be</c>.</summary>
    public string Encoding { get => field ?? "utf-8"; init; }

    /// <summary>Culture of numbers and dates, such as <c>de-DE</c>; the invariant culture when absent.</summary>
    public string? Culture { get; init; }

    /// <summary>Whether spaces and tabs around fields (outside quotes) are removed.</summary>
    public bool Trim { get; init; }

    /// <summary>Field texts that mean null in every column, such as <c>NULL</c> or <c>N/A</c>.</summary>
    public IReadOnlyList<string> NullValues { get => field ?? []; init; }

    /// <summary>A line starting with this character is skipped.</summary>
    public string? Comment { get; init; }

    public FieldCountHandling ExtraFields { get; init; } = FieldCountHandling.Reject;
    public FieldCountHandling MissingFields { get; init; } = FieldCountHandling.Reject;

    /// <summary>Excel: the worksheet read, by its name as the tab shows it; the workbook's first sheet when absent.</summary>
    public string? Sheet { get; init; }

    /// <summary>Excel: the 1-based row that holds the column names (1 when absent); the data starts on the row below it.</summary>
    /// <remarks>Nullable for the reason given at <see cref="HasHeader"/>: an absent property would otherwise be 0.</remarks>
    public int? HeaderRow { get; init; }

    /// <summary>The columns read and their types; a PostgreSql source without them takes the query's result columns and types.</summary>
    public IReadOnlyList<ColumnDefinition> Columns { get => field ?? []; init; }
}

/// <summary>A value a query reads as <c>@name</c>, bound as a parameter and never written into the SQL.</summary>
public sealed record QueryParameterDefinition
{
    public required string Name { get; init; }
    public ColumnType Type { get; init; } = ColumnType.String;
}

/// <summary>What a record with more (or fewer) trailing fields than expected does.</summary>
public enum FieldCountHandling
{
    /// <summary>The row is rejected, with the counts in the reason.</summary>
    Reject,

    /// <summary>Extra trailing fields are ignored; missing trailing fields are null.</summary>
    Accept,
}

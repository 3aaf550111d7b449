namespace Scheduler.Dataflows.Definitions;

/// <summary>One step between source and destination. Which members apply depends on <see cref="Type"/>.</summary>
public sealed record TransformDefinition
{
    public required TransformType Type { get; init; }

    /// <summary>Filter: keep rows where it is true. Derive: the value of <see cref="Column"/>.</summary>
    public string? Expression { get; init; }

    /// <summary>Derive: the new or replaced column.</summary>
    public string? Column { get; init; }

    /// <summary>Derive: the column's type; the expression's type when absent.</summary>
    public ColumnType? ColumnType { get; init; }

    /// <summary>Select: the columns kept, in their new order.</summary>
    public IReadOnlyList<string> Columns { get => field ?? []; init; }

    /// <summary>Select: old name to new name.</summary>
    public IReadOnlyDictionary<string, string> Rename { get => field ?? EmptyRename; init; }

    /// <summary>Validate: checked in order; the first that fails rejects the row with its message.</summary>
    public IReadOnlyList<ValidationRule> Rules { get => field ?? []; init; }

    private static readonly Dictionary<string, string> EmptyRename = [];
}

public enum TransformType
{
    Filter,
    Derive,
    Select,
    Validate,
}

/// <summary>One check of a Validate transform: a range, a pattern, allowed values, or an expression. Null values pass all but an expression.</summary>
public sealed record ValidationRule
{
    public string? Column { get; init; }
    public decimal? Min { get; init; }
    public decimal? Max { get; init; }
    public string? Pattern { get; init; }
    public IReadOnlyList<string>? Allowed { get; init; }

    /// <summary>A bool expression over the row's columns; the row passes when it is true.</summary>
    public string? Expression { get; init; }

    /// <summary>The reason given for a row that fails; a description of the rule when absent.</summary>
    public string? Message { get; init; }
}

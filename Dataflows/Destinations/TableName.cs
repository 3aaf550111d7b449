using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Scheduler.Dataflows.Destinations;

/// <summary>A PostgreSQL table name, <c>table</c> or <c>schema.table</c>, always sent quoted so that no name can inject SQL.</summary>
internal sealed record TableName(string? Schema, string Name)
{
    private const int MaxIdentifierBytes = 63;

    /// <summary>The name as SQL, each part quoted: <c>"schema"."table"</c>.</summary>
    public string Sql => Schema is null ? QuoteIdentifier(Name) : $"{QuoteIdentifier(Schema)}.{QuoteIdentifier(Name)}";

    public static bool TryParse(string text, [NotNullWhen(true)] out TableName? name, [NotNullWhen(false)] out string? error)
    {
        name = null;
        var parts = text.Split('.');
        if (parts.Length > 2)
        {
            error = $"'{text}' is not a valid table name; use 'table' or 'schema.table'";
            return false;
        }

        foreach (var part in parts)
        {
            if (string.IsNullOrWhiteSpace(part) || part.Contains('\0', StringComparison.Ordinal))
            {
                error = $"'{text}' is not a valid table name; use 'table' or 'schema.table'";
                return false;
            }

            if (Encoding.UTF8.GetByteCount(part) > MaxIdentifierBytes)
            {
                error = $"'{part}' is longer than {MaxIdentifierBytes} bytes, the longest name PostgreSQL keeps";
                return false;
            }
        }

        name = parts.Length == 2 ? new TableName(parts[0], parts[1]) : new TableName(null, parts[0]);
        error = null;
        return true;
    }

    public static string QuoteIdentifier(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    public override string ToString() => Schema is null ? Name : $"{Schema}.{Name}";
}

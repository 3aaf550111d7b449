using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Sources;

/// <summary>Turns the values a run gives into the query parameters a PostgreSql source declares, typed as declared.</summary>
internal static class QueryParameterValues
{
    /// <exception cref="DataflowException">The value does not fit the parameter's type.</exception>
    public static object Bind(QueryParameterDefinition parameter, IReadOnlyDictionary<string, object?> values)
    {
        var given = values.FirstOrDefault(v => string.Equals(v.Key, parameter.Name, StringComparison.OrdinalIgnoreCase)).Value;
        if (given is null)
        {
            return DBNull.Value;
        }

        var parser = new ColumnValueParser(new ColumnDefinition { Name = parameter.Name, Type = parameter.Type }, null, []);
        if (parser.TryConvert(given, out var value) is { } reason)
        {
            throw new DataflowException($"The query parameter '{parameter.Name}': {reason}.");
        }

        // PostgreSQL's timestamptz takes UTC values from Npgsql; the instant stays the same.
        return value switch
        {
            null => DBNull.Value,
            DateTimeOffset instant => instant.ToUniversalTime(),
            _ => value,
        };
    }
}

using System.Globalization;
using Npgsql;

namespace Scheduler.Workflows.Storage;

/// <summary>Positional parameters for a statement built in pieces, each piece taking its values through <see cref="Placeholder"/>.</summary>
public static class PositionalParameters
{
    /// <summary>Adds <paramref name="value"/> to <paramref name="command"/> and returns the placeholder that names it (<c>$n</c>).</summary>
    public static string Placeholder(this NpgsqlCommand command, NpgsqlParameter value)
    {
        command.Parameters.Add(value);
        return "$" + command.Parameters.Count.ToString(CultureInfo.InvariantCulture);
    }
}

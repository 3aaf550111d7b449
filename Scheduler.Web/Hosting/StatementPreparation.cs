using System.Data.Common;
using Npgsql;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Npgsql's automatic preparation of the statements a connection runs again and again (Hangfire's, the job records'),
/// unless the connection string sets <c>Max Auto Prepare</c> itself: <c>Max Auto Prepare=0</c> turns it off, as a
/// connection pooler in transaction mode without prepared statements needs.
/// </summary>
/// <remarks>
/// With the JIT settled, PostgreSQL used about half of the machine's CPU while run requests came in, and a third of
/// that went to parsing and planning the same few dozen statements each time (docs/measurements.md). A prepared
/// statement is parsed once per connection and planned by the server's plan cache. Npgsql keeps prepared statements
/// when a pooled connection is returned (it resets the session without <c>DISCARD ALL</c> then).
/// </remarks>
internal static class StatementPreparation
{
    /// <summary>How many statements each physical connection keeps prepared, the most used ones.</summary>
    public const int MaxAutoPrepare = 32;

    public static string Enabled(string connectionString)
    {
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        if (given.Keys.Cast<string>().Any(k => k.Replace(" ", "", StringComparison.Ordinal).Equals("MaxAutoPrepare", StringComparison.OrdinalIgnoreCase)))
        {
            return connectionString;
        }

        return new NpgsqlConnectionStringBuilder(connectionString) { MaxAutoPrepare = MaxAutoPrepare }.ConnectionString;
    }
}

using System.Net.Sockets;
using Npgsql;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// Tells a failure of the service's own database (unreachable, restarting, a connection cut) from everything else:
/// such a failure says nothing about the request or the workflow, and passes when the database is back.
/// </summary>
public static class InfrastructureFailure
{
    // 57P01 admin shutdown, 57P02 crash shutdown, 57P03 cannot connect now (starting up or shutting down).
    private static readonly HashSet<string> Shutdowns = ["57P01", "57P02", "57P03"];

    /// <summary>
    /// True when a database a task was using shut down or restarted under it. The task did not fail: the job runs
    /// again once the database is back, from the step that did not finish (a load finds its effect in the load ledger
    /// rather than loading twice). A database that cannot be reached at all is the task's failure, told at once.
    /// </summary>
    public static bool IsServerShutdown(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is PostgresException postgres && Shutdowns.Contains(postgres.SqlState))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>True when <paramref name="exception"/>, or one it wraps, is the database being away.</summary>
    public static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case PostgresException postgres:
                    // A connection exception (class 08) or a shutdown; any other server error is an answer, not an outage.
                    return postgres.SqlState.StartsWith("08", StringComparison.Ordinal) || Shutdowns.Contains(postgres.SqlState);
                case NpgsqlException { IsTransient: true }:
                case SocketException:
                    return true;
                case AggregateException aggregate:
                    return aggregate.InnerExceptions.Any(IsDatabaseUnavailable);
            }
        }

        return false;
    }
}

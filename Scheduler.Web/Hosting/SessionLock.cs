using Hangfire.Storage;
using Npgsql;

namespace Scheduler.Web.Hosting;

/// <summary>
/// A Hangfire distributed lock held as a PostgreSQL session advisory lock on a pooled connection of its own, taken in
/// one round trip and released in one, with nothing written.
/// </summary>
/// <remarks>
/// Hangfire.PostgreSql's lock is a row in <c>hangfire.lock</c>: two transactions to take (clean up the expired rows,
/// insert with a commit that waits for the disk) and a delete to release, three synchronous commits for each state
/// change of each job. A row also outlives a holder that died, and others waited for the lock's timeout (10 minutes by
/// default) after a crash or a database restart. A session lock ends with its session: a killed holder's lock is gone
/// as soon as the database sees its connection close, and a restart takes every lock with it.
/// </remarks>
internal sealed class SessionLock : IDisposable
{
    private const string LockNotAvailable = "55P03";

    private readonly NpgsqlConnection _connection;
    private readonly string _resource;

    private SessionLock(NpgsqlConnection connection, string resource)
    {
        _connection = connection;
        _resource = resource;
    }

    /// <summary>Waits up to <paramref name="timeout"/> for the lock, then throws <see cref="DistributedLockTimeoutException"/> as Hangfire expects.</summary>
    public static SessionLock Acquire(string connectionString, string resource, TimeSpan timeout)
    {
        var connection = new NpgsqlConnection(connectionString);
        try
        {
            connection.Open();
            // The wait is the server's own; the setting goes with the connection's reset on its return to the pool. One
            // statement, the setting made in its FROM before the lock is asked for: Npgsql writes the second statement of
            // a synchronous batch on the thread pool, which a burst of run requests (each on a pool thread) starved.
            using var command = new NpgsqlCommand(
                "SELECT pg_advisory_lock(hashtextextended($1, 0)) FROM set_config('lock_timeout', $2, false)", connection);
            command.Parameters.Add(new NpgsqlParameter { Value = resource });
            command.Parameters.Add(new NpgsqlParameter { Value = WaitMilliseconds(timeout).ToString(System.Globalization.CultureInfo.InvariantCulture) });
            command.ExecuteNonQuery();
            return new SessionLock(connection, resource);
        }
        catch (PostgresException e) when (e.SqlState == LockNotAvailable)
        {
            connection.Dispose();
            throw new DistributedLockTimeoutException(resource);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    // PostgreSQL's setting: 0 would wait for ever, and it takes at most int.MaxValue milliseconds (24 days).
    internal static long WaitMilliseconds(TimeSpan timeout) => Math.Clamp((long)timeout.TotalMilliseconds, 1, int.MaxValue);

    public void Dispose()
    {
        try
        {
            // Explicitly: a pooled connection is reset only when it is next used, and would hold the lock until then.
            using var command = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtextextended($1, 0))", _connection);
            command.Parameters.Add(new NpgsqlParameter { Value = _resource });
            command.ExecuteNonQuery();
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException)
        {
            // The lock is gone either way: with its session, when the connection broke (the usual cause), or when
            // the connection closes, since one that may still hold it must not go back to the pool for another user.
            // Throwing here would fail what the lock guarded, which is already done.
            NpgsqlConnection.ClearPool(_connection);
        }
        finally
        {
            _connection.Dispose();
        }
    }
}

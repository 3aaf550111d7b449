using Npgsql;

namespace Scheduler.Bench;

/// <summary>Waits on the service's own job records, read straight from the database so that the API is not loaded by the polling.</summary>
internal static class JobWaits
{
    /// <summary>Waits until every job has ended; false when <paramref name="limit"/> passed first.</summary>
    public static async Task<bool> EndedAsync(Stack stack, IReadOnlyCollection<string> jobIds, TimeSpan limit, TimeSpan? poll = null)
    {
        var deadline = DateTime.UtcNow + limit;
        var ids = jobIds.ToArray();
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await Stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM scheduler.job_runs WHERE job_id = ANY($1) AND finished_at IS NOT NULL", [ids]) == ids.Length)
                {
                    return true;
                }
            }
            catch (NpgsqlException)
            {
                // The database is restarting (the chaos run does that): ask again.
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(200));
        }

        return false;
    }

    /// <summary>Waits until Hangfire's queue is empty: no job waits or runs.</summary>
    public static async Task IdleAsync(Stack stack, TimeSpan limit)
    {
        var deadline = DateTime.UtcNow + limit;
        while (DateTime.UtcNow < deadline && await Stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM hangfire.jobqueue") > 0)
        {
            await Task.Delay(200);
        }
    }
}

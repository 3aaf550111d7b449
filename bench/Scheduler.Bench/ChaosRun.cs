using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Text;
using Npgsql;
using Scheduler.Workflows.Runs;

namespace Scheduler.Bench;

/// <summary>
/// (5) N jobs, each appending its own file of distinct ids, sent by 4 clients that retry with an Idempotency-Key until
/// they get an answer, while a worker is killed (kill -9), then the Web node, then the database restarts
/// (<c>pg_ctl restart -m fast</c>). Counts what was accepted, completed, lost and done twice (jobs and rows), and the
/// longest a job waited after the database was back. Whatever the service does, the run ends within its limit with a
/// verdict: a request still unanswered then counts as not accepted, a job still open as lost.
/// </summary>
internal static class ChaosRun
{
    private const int Clients = 4;

    // How long a client keeps getting "still being processed" (409) for its key before it counts the request as
    // unanswered: past the age at which the service hands a claim left by a killed Web node to the next request.
    private static readonly TimeSpan PendingGiveUp = IdempotencyClaim.PendingLimit + TimeSpan.FromSeconds(15);

    // A stall shows in the output as it happens, not only in the summary.
    private static readonly TimeSpan ProgressEvery = TimeSpan.FromSeconds(10);

    /// <param name="spread">How long the requests are spread over; the faults come at a quarter, half and three quarters of it.</param>
    /// <param name="limit">How long the run may take in all, from the first request to the last job's end.</param>
    public static async Task RunAsync(Stack stack, Report report, int jobs, int rowsPerJob, TimeSpan spread, TimeSpan limit)
    {
        report.Section($"(5) chaos: {jobs} jobs of {rowsPerJob} rows; kill -9 of worker-1, kill -9 of the Web node, pg_ctl restart -m fast");
        Directory.CreateDirectory(Path.Combine(stack.FilesFolder, "chaos"));
        for (var i = 0; i < jobs; i++)
        {
            WriteRows(Path.Combine(stack.FilesFolder, "chaos", $"{i}.csv"), (long)i * rowsPerJob, rowsPerJob);
        }

        await Stack.ScalarAsync<object>(stack.WarehouseDatabase, "DROP TABLE IF EXISTS chaos_rows");
        var accepted = new ConcurrentDictionary<int, string>();
        var pending = new ConcurrentBag<int>();
        var unanswered = new ConcurrentBag<int>();
        var next = -1;
        var clients = Enumerable.Range(0, Clients).Select(_ => new ChaosClient(stack)).ToArray();
        var run = Guid.NewGuid().ToString("N")[..8];
        DateTime? databaseBack = null;
        var started = DateTime.UtcNow;
        var deadline = started + limit;
        using var stopProgress = new CancellationTokenSource();
        var progress = PrintProgressAsync(stack, accepted, started, stopProgress.Token);
        // Each fault at its own time, whatever the others cost (a node's start-up takes seconds on a loaded machine).
        var faults = Task.WhenAll(
            Task.Run(async () =>
            {
                await UntilAsync(() => DateTime.UtcNow >= started + (spread / 4));
                stack.Worker1!.Kill();
                Console.WriteLine($"  worker-1 killed after {accepted.Count} accepted");
                await Task.Delay(2000);
                stack.Worker1.Dispose();
                stack.Worker1 = await ServiceNode.StartAsync("worker-1", stack, "Worker");
            }),
            Task.Run(async () =>
            {
                await UntilAsync(() => DateTime.UtcNow >= started + (spread / 2));
                stack.Web!.Kill();
                Console.WriteLine($"  web killed after {accepted.Count} accepted");
                await Task.Delay(1000);
                stack.Web.Dispose();
                stack.Web = await ServiceNode.StartAsync("web", stack, "Web");
            }),
            Task.Run(async () =>
            {
                await UntilAsync(() => DateTime.UtcNow >= started + (spread * 3 / 4));
                Console.WriteLine($"  database restarting after {accepted.Count} accepted");
                stack.RestartDatabase();
                databaseBack = DateTime.UtcNow;
                Console.WriteLine($"  database back after {(DateTime.UtcNow - started).TotalSeconds:F1} s");
            }));

        await Task.WhenAll(clients.Select(async client =>
        {
            for (var i = Interlocked.Increment(ref next); i < jobs; i = Interlocked.Increment(ref next))
            {
                // Spread over the faults, so that jobs are queued and running when each one comes.
                await UntilAsync(() => DateTime.UtcNow >= started + (spread * i / jobs));
                // Until an answer comes, the same request with the same key: it cannot make a second job.
                DateTime? pendingSince = null;
                while (true)
                {
                    if (DateTime.UtcNow > deadline)
                    {
                        unanswered.Add(i);
                        break;
                    }

                    try
                    {
                        var (status, jobId) = await client.RunAsync("bench-chaos", $"chaos/{i}.csv", $"chaos-{run}-{i}");
                        if (jobId is not null)
                        {
                            accepted[i] = jobId;
                            break;
                        }

                        if (status == HttpStatusCode.Conflict && DateTime.UtcNow - (pendingSince ??= DateTime.UtcNow) > PendingGiveUp)
                        {
                            pending.Add(i);
                            break;
                        }

                        if (status is not (HttpStatusCode.ServiceUnavailable or HttpStatusCode.InternalServerError or HttpStatusCode.Conflict or HttpStatusCode.BadGateway))
                        {
                            throw new InvalidOperationException($"job {i}: {status}");
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                    catch (TaskCanceledException)
                    {
                    }

                    await Task.Delay(200);
                }
            }
        }));
        await faults;
        var ids = accepted.Values.ToArray();
        var ended = await JobWaits.EndedAsync(stack, ids, deadline - DateTime.UtcNow);
        await stopProgress.CancelAsync();
        await progress;
        foreach (var client in clients)
        {
            client.Dispose();
        }

        var completed = await Stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM scheduler.job_runs WHERE job_id = ANY($1) AND status = 'Completed'", (object)ids);
        // A request's jobs all have its parameters (its own file): more started records than distinct parameters is a
        // request run twice. A request left unanswered by the Web kill may have one record, which is no duplicate. Nor
        // is a job whose creation the database restart cut short: the request answered 503, its key was let go, and the
        // retry made the job that ran; the reconciler later ends the first one, which never ran, Failed and visible.
        var duplicated = await Stack.ScalarAsync<long>(stack.SchedulerDatabase,
            "SELECT count(*) - count(DISTINCT parameters) FROM scheduler.job_runs WHERE workflow = 'bench-chaos' AND started_at IS NOT NULL");
        var cutShort = await Stack.ScalarAsync<long>(stack.SchedulerDatabase,
            "SELECT count(*) FROM scheduler.job_runs WHERE workflow = 'bench-chaos' AND started_at IS NULL AND status = 'Failed'");
        var rows = await Stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM chaos_rows");
        var distinct = await Stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(DISTINCT id) FROM chaos_rows");

        // Request i's file holds the ids i * rowsPerJob + 1 .. (i + 1) * rowsPerJob; a request left unanswered may still
        // have loaded its own, which are neither lost nor duplicated.
        var acceptedRows = await Stack.ScalarAsync<long>(
            stack.WarehouseDatabase, "SELECT count(DISTINCT id) FROM chaos_rows WHERE (id - 1) / $2 = ANY($1)", accepted.Keys.Select(i => (long)i).ToArray(), (long)rowsPerJob);
        var waits = await WaitsAfterAsync(stack, ids, databaseBack!.Value);
        var longest = waits.Count == 0 ? 0 : waits.Max();
        report.Note($"accepted {accepted.Count} of {jobs}, completed {completed}, ended within {limit.TotalSeconds:F0} s of the start: {ended}; {rows} rows, {distinct} distinct; run took {(DateTime.UtcNow - started).TotalSeconds:F0} s");
        report.Check(
            $"accepted jobs: {accepted.Count} of {jobs}; {pending.Count} requests kept getting 409 \"still being processed\" for their key for {PendingGiveUp.TotalSeconds:F0} s, {unanswered.Count} got no answer within the run's {limit.TotalSeconds:F0} s",
            accepted.Count == jobs);
        report.Check($"lost jobs: {accepted.Count - completed} (accepted and not Completed)", completed == accepted.Count);
        report.Check($"duplicated jobs: {duplicated} (started records beyond one per request; creations cut short by the outage, ended Failed without running: {cutShort})", duplicated == 0);
        report.Check($"lost rows: {(long)accepted.Count * rowsPerJob - acceptedRows} (of accepted jobs)", acceptedRows == (long)accepted.Count * rowsPerJob);
        report.Check($"duplicated rows: {rows - distinct}", rows == distinct);
        report.Check($"longest wait of a job for the worker that ended it, after the database was back: {Report.F(longest)} s over {waits.Count} jobs (target <= 60)", longest <= 60);
    }

    // For each job not ended when the database came back: from when it could run (created, or the database back,
    // whichever is later) to the last time a worker took it (Hangfire's Processing state), the delivery that ended
    // it, so that a job interrupted by the restart and resumed counts as well as one queued. A job that ran through
    // the restart without being taken again waited for nothing; a job still open counts till now.
    private static async Task<List<double>> WaitsAfterAsync(Stack stack, string[] ids, DateTime back)
    {
        await using var connection = new NpgsqlConnection(stack.SchedulerDatabase + ";Timezone=UTC");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT extract(epoch FROM coalesce(
                       (SELECT max(s.createdat) FROM hangfire.state s WHERE s.jobid = r.job_id::bigint AND s.name = 'Processing' AND s.createdat >= $2),
                       CASE WHEN r.finished_at IS NULL THEN now() END,
                       greatest(r.created_at, $2))
                   - greatest(r.created_at, $2))::float8
            FROM scheduler.job_runs r
            WHERE r.job_id = ANY($1) AND (r.finished_at IS NULL OR r.finished_at > $2)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids });
        command.Parameters.Add(new NpgsqlParameter { Value = back, NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz });
        var waits = new List<double>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            waits.Add(reader.GetDouble(0));
        }

        return waits;
    }

    private static async Task PrintProgressAsync(Stack stack, ConcurrentDictionary<int, string> accepted, DateTime started, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(ProgressEvery, stop);
                var ids = accepted.Values.ToArray();
                string ended;
                try
                {
                    ended = (await Stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM scheduler.job_runs WHERE job_id = ANY($1) AND finished_at IS NOT NULL", (object)ids)).ToString(CultureInfo.InvariantCulture);
                }
                catch (NpgsqlException)
                {
                    ended = "? (database away)";
                }

                Console.WriteLine($"  {(DateTime.UtcNow - started).TotalSeconds:F0} s: {ids.Length} accepted, {ended} ended (load average {Report.Load()})");
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
        }
    }

    private static async Task UntilAsync(Func<bool> condition)
    {
        while (!condition())
        {
            await Task.Delay(20);
        }
    }

    private static void WriteRows(string path, long first, int count)
    {
        var text = new StringBuilder("id,name,amount\n");
        for (var id = first + 1; id <= first + count; id++)
        {
            text.Append(CultureInfo.InvariantCulture, $"{id},row {id},{id % 1000}.50\n");
        }

        File.WriteAllText(path, text.ToString());
    }
}

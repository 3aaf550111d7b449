using System.Globalization;
using Npgsql;

namespace Scheduler.Bench;

/// <summary>
/// (1) POST -> first step start across processes: jobs one after the other (each waits for the previous to end),
/// timed from Hangfire's own creation time of the job, with where the time goes on the way. Measured twice: on nodes
/// just started, and once the JIT has settled (<see cref="WarmUp"/>). The targets are for the second.
/// </summary>
internal static class JobLatency
{
    private const int WarmUpRound = 80;

    public static async Task RunAsync(Stack stack, ApiClient api, Report report, int jobs)
    {
        report.Section($"(1) POST -> first step start, {jobs} sequential jobs (bench-small), on nodes just started");
        var (fresh, _) = await MeasureAsync(stack, api, jobs);
        report.Note($"first step started: p50 {Report.F(Report.Percentile(fresh, 50))} ms, p99 {Report.F(Report.Percentile(fresh, 99))} ms (no target: see below)");

        report.Section($"(1) POST -> first step start, {jobs} sequential jobs (bench-small), once the JIT has settled");
        await WarmUp.UntilCompiledAsync(stack, report, async () =>
        {
            await MeasureAsync(stack, api, WarmUpRound);
            return WarmUpRound;
        });
        var (first, stages) = await MeasureAsync(stack, api, jobs);
        foreach (var (stage, values) in stages)
        {
            report.Note($"{stage}: p50 {Report.F(Report.Percentile(values, 50))} ms, p99 {Report.F(Report.Percentile(values, 99))} ms");
        }

        var p50 = Report.Percentile(first, 50);
        var p99 = Report.Percentile(first, 99);
        report.Check($"first step started: p50 {Report.F(p50)} ms (target <= 10), {first.Count} jobs", p50 <= 10);
        report.Check($"first step started: p99 {Report.F(p99)} ms (target <= 50)", p99 <= 50);
    }

    /// <summary>The first step's start of each job, and the stages before it, in milliseconds from Hangfire's creation of the job.</summary>
    private static async Task<(List<double> FirstStep, Dictionary<string, List<double>> Stages)> MeasureAsync(Stack stack, ApiClient api, int jobs)
    {
        var ids = new List<string>();
        for (var i = 0; i < jobs; i++)
        {
            var (status, jobId) = await api.RunAsync("bench-small", "small.csv");
            if (jobId is null)
            {
                throw new InvalidOperationException($"run request {i} answered {status}");
            }

            ids.Add(jobId);
            await JobWaits.EndedAsync(stack, [jobId], TimeSpan.FromSeconds(60), TimeSpan.FromMilliseconds(5));
        }

        // Every time from hangfire.job.createdat (the moment Hangfire made the job), in milliseconds.
        var stages = new Dictionary<string, List<double>>
        {
            ["record written"] = [],
            ["enqueued"] = [],
            ["handed to a worker (Processing)"] = [],
            ["record says started"] = [],
            ["first step started"] = [],
        };
        await using var connection = new NpgsqlConnection(stack.SchedulerDatabase + ";Timezone=UTC");
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT extract(epoch FROM r.created_at - j.createdat) * 1000,
                   extract(epoch FROM (SELECT min(s.createdat) FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Enqueued') - j.createdat) * 1000,
                   extract(epoch FROM (SELECT min(s.createdat) FROM hangfire.state s WHERE s.jobid = j.id AND s.name = 'Processing') - j.createdat) * 1000,
                   extract(epoch FROM r.started_at - j.createdat) * 1000,
                   extract(epoch FROM st.started_at - j.createdat) * 1000
            FROM hangfire.job j
            JOIN scheduler.job_runs r ON r.job_id = j.id::text
            JOIN scheduler.job_steps st ON st.job_id = r.job_id AND st.position = 0
            WHERE j.id = ANY($1)
            """, connection);
        command.Parameters.Add(new NpgsqlParameter { Value = ids.Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToArray() });
        await using (var reader = await command.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var column = 0;
                foreach (var stage in stages.Values)
                {
                    if (!reader.IsDBNull(column))
                    {
                        stage.Add(Convert.ToDouble(reader.GetValue(column), CultureInfo.InvariantCulture));
                    }

                    column++;
                }
            }
        }

        var first = stages["first step started"];
        stages.Remove("first step started");
        return (first, stages);
    }
}

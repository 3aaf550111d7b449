using System.Diagnostics;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Scheduler.Web.Hosting;

namespace Scheduler.Bench;

/// <summary>
/// (2) Run requests accepted per second with 8 concurrent clients, against raw <c>BackgroundJobClient.Create</c> on the
/// same storage with the same options from 8 tasks: with idle workers, and while the workers run a backlog of jobs.
/// </summary>
internal static class AcceptRate
{
    private const int Clients = 8;

    public static async Task RunAsync(Stack stack, Report report, int jobs)
    {
        report.Section($"(2) accept rate, {Clients} clients, {jobs} jobs per measure");
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ApiClient.LoginAsync(stack)));
        try
        {
            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseSchedulerPostgreSql(stack.SchedulerDatabase, TimeSpan.FromMinutes(1), listener: null);
            var raw = new BackgroundJobClient(JobStorage.Current);

            // Warm both paths (JIT, pools) before anything is timed.
            await ApiAsync(clients, Clients * 4);
            await RawAsync(raw, Clients * 4);
            foreach (var busy in new[] { false, true })
            {
                await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
                if (busy)
                {
                    await ApiAsync(clients, jobs * 2);
                }

                var rawRate = await RawAsync(raw, jobs);
                if (busy)
                {
                    await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
                    await ApiAsync(clients, jobs * 2);
                }
                else
                {
                    await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
                }

                var apiRate = await ApiAsync(clients, jobs);
                var ratio = apiRate / rawRate;
                var target = busy ? 0.6 : 0.8;
                report.Check(
                    $"{(busy ? "busy" : "idle")} workers: API {Report.F(apiRate, "F0")} jobs/s, raw Enqueue {Report.F(rawRate, "F0")} jobs/s = {Report.F(ratio, "F2")}x (target >= {Report.F(target)}x)",
                    ratio >= target);
            }

            await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private static async Task<double> ApiAsync(ApiClient[] clients, int jobs)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(clients.Select(async (client, c) =>
        {
            for (var i = c; i < jobs; i += clients.Length)
            {
                var (status, jobId) = await client.RunAsync("bench-small", "small.csv");
                if (jobId is null)
                {
                    throw new InvalidOperationException($"a run request answered {status}");
                }
            }
        }));
        return jobs / watch.Elapsed.TotalSeconds;
    }

    // A trivial job the workers can run (a framework method), as a plain Hangfire application would enqueue one.
    private static async Task<double> RawAsync(BackgroundJobClient raw, int jobs)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() =>
        {
            for (var i = c; i < jobs; i += Clients)
            {
                raw.Create(Job.FromExpression(() => Thread.Sleep(0)), new EnqueuedState());
            }
        })));
        return jobs / watch.Elapsed.TotalSeconds;
    }
}

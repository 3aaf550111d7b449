using System.Diagnostics;
using System.Globalization;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Scheduler.Web.Hosting;

namespace Scheduler.Bench;

/// <summary>
/// (2) Run requests accepted per second with 8 concurrent clients, against raw <c>BackgroundJobClient.Create</c> on the
/// same storage with the same options from 8 tasks: with idle workers, and while the workers run a backlog of jobs;
/// then, reported without a target, with the worker nodes stopped (<c>SIGSTOP</c>) while each side is timed. The
/// workers run what each side enqueues as it comes in, a workflow for the API and an empty method for the raw side,
/// on the same two cores: the third measure is the run request's own path, with that difference taken out.
/// </summary>
/// <remarks>
/// The two rates are measured in <see cref="Rounds"/> rounds of a fifth of the jobs each, API and raw next to each
/// other in every round and in turn first, and the ratio checked is the median of the rounds' ratios: this machine's
/// speed drifts within a run (the raw rate alone moved from 47 to 190 jobs/s between runs), and one long measure of each
/// compared two different machines.
/// </remarks>
internal static class AcceptRate
{
    private const int Clients = 8;
    private const int Rounds = 5;

    public static async Task RunAsync(Stack stack, Report report, int jobs)
    {
        report.Section($"(2) accept rate, {Clients} clients, {jobs} jobs per measure in {Rounds} rounds");
        var clients = await Task.WhenAll(Enumerable.Range(0, Clients).Select(_ => ApiClient.LoginAsync(stack)));
        try
        {
            GlobalConfiguration.Configuration
                .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings()
                .UseSchedulerPostgreSql(stack.SchedulerDatabase, TimeSpan.FromMinutes(1), listener: null);
            var rawClient = new BackgroundJobClient(JobStorage.Current);

            // Both sides in turns, each round's jobs to their end.
            await WarmUp.UntilCompiledAsync(stack, report, async () =>
            {
                await ApiSecondsAsync(clients, Clients * 10);
                await RawSecondsAsync(rawClient, Clients * 10);
                await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
                return Clients * 20;
            });
            var perRound = jobs / Rounds;
            foreach (var (busy, paused) in new[] { (false, false), (true, false), (false, true) })
            {
                var (apiSeconds, rawSeconds) = (0.0, 0.0);
                var ratios = new List<double>();
                for (var round = 0; round < Rounds; round++)
                {
                    double api = 0, raw = 0;
                    foreach (var apiNow in round % 2 == 0 ? [false, true] : new[] { true, false })
                    {
                        await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
                        if (busy)
                        {
                            // A backlog that outlasts the measure.
                            await ApiSecondsAsync(clients, perRound * 2);
                        }

                        using (paused ? new StoppedWorkers(stack) : null)
                        {
                            if (apiNow)
                            {
                                api = await ApiSecondsAsync(clients, perRound);
                            }
                            else
                            {
                                raw = await RawSecondsAsync(rawClient, perRound);
                            }
                        }
                    }

                    (apiSeconds, rawSeconds) = (apiSeconds + api, rawSeconds + raw);

                    // The same jobs in each: the API's rate over the raw one is the raw time over the API's.
                    ratios.Add(raw / api);
                }

                var ratio = Report.Percentile(ratios, 50);
                var target = busy ? 0.6 : 0.8;
                var figures = $"API {Report.F(perRound * Rounds / apiSeconds, "F0")} jobs/s, raw Enqueue {Report.F(perRound * Rounds / rawSeconds, "F0")} jobs/s; " +
                    $"median ratio of the rounds {Report.F(ratio, "F2")}x (rounds {string.Join(", ", ratios.Select(r => Report.F(r, "F2")))}";
                if (paused)
                {
                    report.Note($"workers stopped while timed (no target): {figures})");
                }
                else
                {
                    report.Check($"{(busy ? "busy" : "idle")} workers: {figures}; target >= {Report.F(target)}x)", ratio >= target);
                }
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

    /// <summary>The worker nodes stopped until disposed: what is enqueued meanwhile waits in the queue.</summary>
    private sealed class StoppedWorkers : IDisposable
    {
        private readonly ServiceNode[] _workers;

        public StoppedWorkers(Stack stack)
        {
            _workers = [.. stack.Workers];
            try
            {
                Signal("-STOP");
            }
            catch (AggregateException)
            {
                // None is left stopped: the rest of the run needs its workers.
                Signal("-CONT");
                throw;
            }
        }

        public void Dispose() => Signal("-CONT");

        // Every worker is signalled even when one cannot be.
        private void Signal(string signal)
        {
            var failures = new List<Exception>();
            foreach (var worker in _workers)
            {
                try
                {
                    Stack.Run("kill", signal, worker.ProcessId.ToString(CultureInfo.InvariantCulture));
                }
                catch (InvalidOperationException e)
                {
                    failures.Add(e);
                }
            }

            if (failures.Count > 0)
            {
                throw new AggregateException(failures);
            }
        }
    }

    private static async Task<double> ApiSecondsAsync(ApiClient[] clients, int jobs)
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
        return watch.Elapsed.TotalSeconds;
    }

    // A trivial job the workers can run (a framework method), as a plain Hangfire application would enqueue one.
    private static async Task<double> RawSecondsAsync(BackgroundJobClient raw, int jobs)
    {
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Clients).Select(c => Task.Run(() =>
        {
            for (var i = c; i < jobs; i += Clients)
            {
                raw.Create(Job.FromExpression(() => Thread.Sleep(0)), new EnqueuedState());
            }
        })));
        return watch.Elapsed.TotalSeconds;
    }
}

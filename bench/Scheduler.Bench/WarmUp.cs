using System.Diagnostics;

namespace Scheduler.Bench;

/// <summary>
/// Runs rounds of jobs until the JIT has settled, before a part measures the service's steady state: a node a minute
/// old still compiles thousands of methods (about 23,000 in a worker that had run 600 jobs, with its tiered-compilation
/// thread taking most of the worker's CPU), on the two cores the measure shares. Part (4) measures the warm-up itself.
/// </summary>
internal static class WarmUp
{
    /// <summary>The nodes' tiered compilation, in cores, under which the paths are taken to be warm.</summary>
    private const double SettledShare = 0.05;

    private static readonly TimeSpan Limit = TimeSpan.FromMinutes(4);

    /// <summary>Runs <paramref name="round"/> (which returns how many jobs it ran) until the JIT of the nodes and of this process has settled.</summary>
    public static async Task UntilCompiledAsync(Stack stack, Report report, Func<Task<int>> round)
    {
        // This process runs the raw Hangfire client of part (2): its compiling counts too.
        var processes = new[] { stack.Web, stack.Worker1, stack.Worker2 }.OfType<ServiceNode>().Select(n => n.ProcessId).Append(Environment.ProcessId).ToArray();
        var watch = Stopwatch.StartNew();
        var (jobs, share, first, quiet) = (0, 1.0, (double?)null, 0);

        // Two quiet rounds in a row: the runtime delays promoting methods while it still compiles new ones, so one
        // round can be quiet between two busy ones.
        while (quiet < 2 && watch.Elapsed < Limit)
        {
            var (before, started) = (processes.Select(ProcessCpu.CompilerSeconds).ToArray(), watch.Elapsed);
            jobs += await round();
            share = processes.Select((process, i) => ProcessCpu.CompilerSecondsSince(process, before[i])).Sum() / (watch.Elapsed - started).TotalSeconds;
            first ??= share;
            quiet = share <= SettledShare ? quiet + 1 : 0;
        }

        report.Note($"warmed with {jobs} jobs in {Report.F(watch.Elapsed.TotalSeconds, "F0")} s: the JIT took {Report.F(first!.Value * 100, "F0")}% of a core " +
            $"in the first round, {Report.F(share * 100, "F0")}% in the last (settled: two rounds below {Report.F(SettledShare * 100, "F0")}%" +
            $"{(quiet < 2 ? $"; not settled after {Limit.TotalMinutes} minutes" : "")})");
    }
}

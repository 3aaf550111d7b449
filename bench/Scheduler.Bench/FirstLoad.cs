using System.Diagnostics;

namespace Scheduler.Bench;

/// <summary>
/// (4) The first load after a worker node starts against the later ones and <c>psql \copy</c> of the same file into the
/// same table, for each runtime setting tried: start-up time and each load's speed relative to <c>\copy</c>.
/// One worker node runs during the part, so that every load lands on the node just started.
/// </summary>
internal static class FirstLoad
{
    private const int Loads = 3;

    public static async Task RunAsync(Stack stack, ApiClient api, Report report, string file, IReadOnlyList<(string Name, string AppFolder, Dictionary<string, string> Environment)> variants)
    {
        report.Section($"(4) first load after a start vs later loads vs psql \\copy ({file})");
        var path = Path.Combine(stack.FilesFolder, file);
        await Stack.ScalarAsync<object>(stack.WarehouseDatabase, Stack.OrdersTable);
        var copy = await CopyAsync(stack, path);
        (double Start, double First, double Later)? baseline = null;
        foreach (var (name, appFolder, environment) in variants)
        {
            var node = await stack.RunOneWorkerAsync(appFolder, environment);
            var seconds = new List<double>();
            var cpu = new List<double>();
            for (var i = 0; i < Loads; i++)
            {
                await Stack.ScalarAsync<object>(stack.WarehouseDatabase, "TRUNCATE orders; CHECKPOINT");
                var cpuBefore = node.CpuSeconds();
                var (_, jobId) = await api.RunAsync("bench-load", file);
                await JobWaits.EndedAsync(stack, [jobId!], TimeSpan.FromMinutes(10));
                seconds.Add(await LoadSecondsAsync(stack, jobId!));
                cpu.Add(node.CpuSeconds() - cpuBefore);
            }

            copy = (copy + await CopyAsync(stack, path)) / 2;
            var first = copy / seconds[0];
            var later = seconds.Skip(1).Average(s => copy / s);
            report.Note($"{name}: start-up {Report.F(node.StartUp.TotalSeconds, "F2")} s; loads {string.Join(", ", seconds.Select(s => Report.F(s, "F2") + " s"))}; "
                + $"first {Report.F(first, "F2")}x \\copy, later {Report.F(later, "F2")}x (\\copy {Report.F(copy, "F2")} s); the worker's CPU per job {string.Join(", ", cpu.Select(s => Report.F(s, "F2") + " s"))}");
            baseline ??= (node.StartUp.TotalSeconds, first, later);
            if (name != variants[0].Name)
            {
                report.Check(
                    $"{name} vs {variants[0].Name}: first load {Report.F(first / baseline.Value.First, "F2")}x, later {Report.F(later / baseline.Value.Later, "F2")}x, start-up {Report.F(node.StartUp.TotalSeconds - baseline.Value.Start, "+0.00;-0.00")} s (target: first >= later, later and start-up no worse)",
                    first >= later * 0.95 && later >= baseline.Value.Later * 0.95 && node.StartUp.TotalSeconds - baseline.Value.Start <= 1);
            }
        }

        await stack.RunTwoWorkersAsync();
    }

    /// <summary>How long the <c>Load</c> step of a <c>bench-load</c> job took.</summary>
    public static Task<double> LoadSecondsAsync(Stack stack, string jobId) => Stack.ScalarAsync<double>(
        stack.SchedulerDatabase,
        "SELECT extract(epoch FROM finished_at - started_at)::float8 FROM scheduler.job_steps WHERE job_id = $1 AND name = 'Load' AND status = 'Completed'",
        jobId);

    /// <summary>Seconds <c>psql \copy</c> takes to load <paramref name="path"/> into the emptied orders table.</summary>
    public static async Task<double> CopyAsync(Stack stack, string path)
    {
        await Stack.ScalarAsync<object>(stack.WarehouseDatabase, "TRUNCATE orders; CHECKPOINT");
        var watch = Stopwatch.StartNew();
        Stack.Run(
            "psql", "-h", "127.0.0.1", "-p", stack.PostgresPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", "postgres", "-d", "warehouse", "-v", "ON_ERROR_STOP=1",
            "-c", $"\\copy orders (id, customer, email, amount, quantity, created_at, country, active, note) FROM '{path}' WITH (FORMAT csv, HEADER)");
        return watch.Elapsed.TotalSeconds;
    }
}

namespace Scheduler.Bench;

/// <summary>
/// (3) Resident memory of a worker node while it runs a 3M-row load: idle before, the peak, and what it keeps
/// afterwards, for each GC setting tried. One worker node runs during the part, so that the load lands on it.
/// </summary>
internal static class WorkerMemory
{
    // Long enough for the runtime to give memory back after a load (the GC decommits on its own timer).
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(20);

    public static async Task RunAsync(Stack stack, ApiClient api, Report report, string file, IReadOnlyList<(string Name, Dictionary<string, string> Environment)> variants)
    {
        report.Section($"(3) worker resident memory during a load of {file}");
        await Stack.ScalarAsync<object>(stack.WarehouseDatabase, Stack.OrdersTable);
        var copy = await FirstLoad.CopyAsync(stack, Path.Combine(stack.FilesFolder, file));
        foreach (var (name, environment) in variants)
        {
            var worker = await stack.RunOneWorkerAsync(stack.AppFolder, environment);
            await JobWaits.IdleAsync(stack, TimeSpan.FromMinutes(5));
            await Task.Delay(TimeSpan.FromSeconds(5));
            var idle = worker.ResidentMiB();
            var files = worker.ResidentFilesMiB();
            var peak = idle;
            await Stack.ScalarAsync<object>(stack.WarehouseDatabase, "TRUNCATE orders");
            var (_, jobId) = await api.RunAsync("bench-load", file);
            var ended = JobWaits.EndedAsync(stack, [jobId!], TimeSpan.FromMinutes(15));
            var settled = DateTime.MaxValue;
            while (DateTime.UtcNow < settled)
            {
                peak = Math.Max(peak, worker.ResidentMiB());
                await Task.Delay(100);
                if (ended.IsCompleted && settled == DateTime.MaxValue)
                {
                    settled = DateTime.UtcNow + Settle;
                }
            }

            var after = worker.ResidentMiB();
            var status = await Stack.ScalarAsync<string>(stack.SchedulerDatabase, "SELECT status FROM scheduler.job_runs WHERE job_id = $1", jobId!);
            var rows = await Stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM orders");
            var load = status == "Completed" ? await FirstLoad.LoadSecondsAsync(stack, jobId!) : double.NaN;
            report.Check(
                $"{name}: idle {Report.F(idle, "F0")} MiB ({Report.F(files, "F0")} of it mapped files), peak {Report.F(peak, "F0")} MiB (target <= 150), {Settle.TotalSeconds:F0} s after {Report.F(after, "F0")} MiB = "
                + $"{Report.F(after - idle, "+0;-0")} MiB over idle (target <= 30); job {status}, {rows} rows, load {Report.F(load, "F2")} s = {Report.F(copy / load, "F2")}x \\copy ({Report.F(copy, "F2")} s, before the first variant)",
                peak <= 150 && after - idle <= 30 && status == "Completed");
        }

        await stack.RunTwoWorkersAsync();
    }
}

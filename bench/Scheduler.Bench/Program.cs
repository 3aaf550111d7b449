using System.Globalization;
using Scheduler.Bench;

// Usage: bench/stack.sh prepares the stack and runs this; see docs/measurements.md.
//   --app DIR --work DIR --pg-bin DIR --pg-data DIR --pg-port N [--parts latency,accept,memory,warmup,chaos]
//   [--quick] [--r2r DIR (the service published with ReadyToRun, for the warm-up part)]
var options = new Dictionary<string, string>();
for (var i = 0; i < args.Length; i++)
{
    options[args[i].TrimStart('-')] = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal) ? args[++i] : "true";
}

var quick = options.ContainsKey("quick");
var parts = options.GetValueOrDefault("parts", "latency,accept,memory,warmup,chaos").Split(',');
using var stack = new Stack
{
    AppFolder = options["app"],
    WorkFolder = options["work"],
    PostgresBin = options["pg-bin"],
    PostgresData = options["pg-data"],
    PostgresPort = int.Parse(options["pg-port"], CultureInfo.InvariantCulture),
};
var report = new Report();
Console.WriteLine($"machine: {Environment.ProcessorCount} cores; load average {Report.Load()}; {(quick ? "quick run" : "full run")}");
await stack.StartAsync();
report.Note($"start-up to /health/live: web {Report.F(stack.Web!.StartUp.TotalSeconds, "F2")} s, workers {string.Join(", ", stack.Workers.Select(w => Report.F(w.StartUp.TotalSeconds, "F2") + " s"))}");
using (var api = await ApiClient.LoginAsync(stack))
{
    // One job first, so that nothing below times the first job of a node.
    var (_, warm) = await api.RunAsync("bench-small", "small.csv");
    await JobWaits.EndedAsync(stack, [warm!], TimeSpan.FromMinutes(1));
    if (parts.Contains("latency"))
    {
        await JobLatency.RunAsync(stack, api, report, quick ? 50 : 200);
    }
}

if (parts.Contains("accept"))
{
    await AcceptRate.RunAsync(stack, report, quick ? 80 : 400);
}

if (parts.Contains("memory"))
{
    using var api = await ApiClient.LoginAsync(stack);
    await WorkerMemory.RunAsync(stack, api, report, quick ? "orders-300k.csv" : "orders-3m.csv",
    [
        // As built: the workstation collector with gen0 capped at 16 MiB (Scheduler.Web.csproj). The environment wins over
        // the runtimeconfig.json; its names are case-sensitive, and a budget of 0 is the runtime's own.
        ("as built", []),
        ("Server GC (the Web SDK's default), no gen0 cap", new() { ["DOTNET_gcServer"] = "1", ["DOTNET_GCGen0MaxBudget"] = "0" }),
        ("Server GC, gen0 budget 16 MiB", new() { ["DOTNET_gcServer"] = "1" }),
        ("Workstation GC, no gen0 cap", new() { ["DOTNET_GCGen0MaxBudget"] = "0" }),
    ]);
}

if (parts.Contains("warmup"))
{
    using var api = await ApiClient.LoginAsync(stack);
    List<(string, string, Dictionary<string, string>)> variants =
    [
        ("default", stack.AppFolder, []),
        ("TieredPGO=0", stack.AppFolder, new() { ["DOTNET_TieredPGO"] = "0" }),
        ("TieredCompilation=0", stack.AppFolder, new() { ["DOTNET_TieredCompilation"] = "0" }),
    ];
    if (options.TryGetValue("r2r", out var r2r))
    {
        variants.Add(("ReadyToRun", r2r, []));
        variants.Add(("ReadyToRun + TieredPGO=0", r2r, new() { ["DOTNET_TieredPGO"] = "0" }));
    }

    await FirstLoad.RunAsync(stack, api, report, quick ? "orders-300k.csv" : "orders-1m.csv", variants);
}

if (parts.Contains("chaos"))
{
    await ChaosRun.RunAsync(
        stack, report, quick ? 60 : 300, quick ? 500 : 5000, quick ? TimeSpan.FromSeconds(40) : TimeSpan.FromSeconds(120), quick ? TimeSpan.FromSeconds(150) : TimeSpan.FromMinutes(5));
}

report.PrintAll();
Console.WriteLine($"{(parts.Length == 1 ? parts[0] : "bench")}: {report.Passed} passed, {report.Failed} failed");
return report.Failed == 0 ? 0 : 1;

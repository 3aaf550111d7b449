using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Dataflows;
using Scheduler.Dataflows.Bench;
using Scheduler.Dataflows.Definitions;

// Usage (bench/run.sh drives it):
//   generate FILE ROWS
//   compare FILE CONNECTION_STRING ROUNDS      psql \copy and the dataflow, alternating, into the same table
//   memory FILE CONNECTION_STRING              one dataflow load, then the process's peak resident memory
//   create-table-sql                           the benchmark table's CREATE statement, for psql
//   export CONNECTION_STRING DIRECTORY ROUNDS   psql \copy (query) to a CSV file and the PostgreSql source to a CsvFile, alternating
//   export-memory CONNECTION_STRING DIRECTORY ROWS   one export of the query's first ROWS rows, then the peak resident memory
//   generate-xlsx FILE ROWS                    the orders as an .xlsx workbook (sheet Orders)
//   excel-memory FILE DIRECTORY                one read of the workbook by the Excel source into a CSV file, then the peak resident memory
var invariant = CultureInfo.InvariantCulture;
switch (args)
{
    case ["generate", var file, var rows]:
        OrdersGenerator.Write(file, long.Parse(rows, invariant));
        Console.WriteLine($"{file}: {new FileInfo(file).Length / 1_048_576.0:F0} MiB");
        return 0;
    case ["compare", var file, var connectionString, var rounds]:
        await Compare(file, connectionString, int.Parse(rounds, invariant));
        return 0;
    case ["memory", var file, var connectionString]:
        var result = await LoadAsync(file, connectionString, Definitions.Plain);
        // The GC figures show how much of the peak is the collector's gen0 budget (not freed until a collection runs).
        var gc = GC.GetGCMemoryInfo();
        Console.WriteLine(FormattableString.Invariant(
            $"memory: {result.RowsRead} rows, peak resident {PeakResidentMiB()} MiB; {GC.GetTotalAllocatedBytes() >> 20} MiB allocated, {GC.CollectionCount(0)} collections, GC heap committed {gc.TotalCommittedBytes >> 20} MiB"));
        return 0;
    case ["create-table-sql"]:
        Console.WriteLine(Definitions.CreateTableSql);
        return 0;
    case ["export", var connectionString, var directory, var rounds]:
        await CompareExport(connectionString, directory, int.Parse(rounds, invariant));
        return 0;
    case ["export-memory", var connectionString, var directory, var rows]:
        var exported = await ExportAsync(connectionString, directory, long.Parse(rows, invariant));
        Console.WriteLine(FormattableString.Invariant(
            $"export memory: {exported.RowsWritten} rows, peak resident {PeakResidentMiB()} MiB; {GC.GetTotalAllocatedBytes() >> 20} MiB allocated, {GC.CollectionCount(0)} collections"));
        return 0;
    case ["generate-xlsx", var file, var rows]:
        XlsxOrdersGenerator.Write(file, int.Parse(rows, invariant));
        Console.WriteLine(FormattableString.Invariant($"{file}: {new FileInfo(file).Length / 1_048_576.0:F1} MiB"));
        return 0;
    case ["excel-memory", var file, var directory]:
        var started = Stopwatch.GetTimestamp();
        var read = await new DataflowRunner(new BenchConnections(""), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(Definitions.Excel, file, directory), CancellationToken.None);
        Console.WriteLine(FormattableString.Invariant(
            $"excel memory: {read.RowsWritten} rows ({read.RowsRejected} rejected) in {Stopwatch.GetElapsedTime(started).TotalSeconds:F1} s, peak resident {PeakResidentMiB()} MiB; {GC.GetTotalAllocatedBytes() >> 20} MiB allocated, {GC.CollectionCount(0)} collections"));
        return 0;
    default:
        Console.Error.WriteLine("usage: generate FILE ROWS | create-table-sql | compare FILE CONNECTION_STRING ROUNDS | memory FILE CONNECTION_STRING | export CONNECTION_STRING DIRECTORY ROUNDS | export-memory CONNECTION_STRING DIRECTORY ROWS | generate-xlsx FILE ROWS | excel-memory FILE DIRECTORY");
        return 2;
}

static async Task Compare(string file, string connectionString, int rounds)
{
    await ExecuteAsync(connectionString, Definitions.CreateTableSql);
    var timings = new Dictionary<string, List<double>> { ["psql \\copy"] = [], ["dataflow"] = [], ["dataflow + Filter + Derive"] = [] };
    var names = timings.Keys.ToArray();
    for (var round = 1; round <= rounds; round++)
    {
        // Each round starts with the next load: whichever load follows psql's was measured up to 20% slower, whatever it was.
        foreach (var name in names.Skip((round - 1) % names.Length).Concat(names.Take((round - 1) % names.Length)))
        {
            await ExecuteAsync(connectionString, "TRUNCATE orders; CHECKPOINT");
            var started = Stopwatch.GetTimestamp();
            var processorTime = Environment.CpuUsage.TotalTime;
            if (name == "psql \\copy")
            {
                await PsqlCopyAsync(file, connectionString);
            }
            else
            {
                await LoadAsync(file, connectionString, name == "dataflow" ? Definitions.Plain : Definitions.WithTransforms);
            }

            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var processorSeconds = (Environment.CpuUsage.TotalTime - processorTime).TotalSeconds;
            var loaded = await ScalarAsync(connectionString, "SELECT count(*) FROM orders");
            timings[name].Add(seconds);
            Console.WriteLine(FormattableString.Invariant($"round {round} {name,-28} {seconds,7:F2} s  {loaded,9} rows in table  {processorSeconds,5:F2} s CPU in this process"));
        }
    }

    var baseline = Median(timings["psql \\copy"]);
    Console.WriteLine();
    foreach (var (name, seconds) in timings)
    {
        var median = Median(seconds);
        Console.WriteLine(FormattableString.Invariant($"{name,-28} median {median,6:F2} s  {InputRows(file) / median,10:N0} input rows/s  ratio {baseline / median:F2}"));
    }
}

static async Task CompareExport(string connectionString, string directory, int rounds)
{
    var rows = await ScalarAsync(connectionString, "SELECT count(*) FROM orders");
    var timings = new Dictionary<string, List<double>> { ["psql \\copy (query) to csv"] = [], ["dataflow PostgreSql -> CsvFile"] = [] };
    var names = timings.Keys.ToArray();
    for (var round = 1; round <= rounds; round++)
    {
        foreach (var name in round % 2 == 1 ? names : names.Reverse())
        {
            var started = Stopwatch.GetTimestamp();
            var processorTime = Environment.CpuUsage.TotalTime;
            var file = name.StartsWith("psql", StringComparison.Ordinal)
                ? await PsqlExportAsync(connectionString, directory)
                : (await ExportAsync(connectionString, directory, long.MaxValue)).OutputPath!;
            var seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
            var processorSeconds = (Environment.CpuUsage.TotalTime - processorTime).TotalSeconds;
            timings[name].Add(seconds);
            Console.WriteLine(FormattableString.Invariant(
                $"round {round} {name,-32} {seconds,7:F2} s  {new FileInfo(file).Length >> 20,5} MiB written  {processorSeconds,5:F2} s CPU in this process  load {File.ReadAllText("/proc/loadavg").Split(' ')[0]}"));
        }
    }

    var baseline = Median(timings[names[0]]);
    Console.WriteLine();
    foreach (var (name, seconds) in timings)
    {
        var median = Median(seconds);
        Console.WriteLine(FormattableString.Invariant($"{name,-32} median {median,6:F2} s  {rows / median,10:N0} rows/s  ratio {baseline / median:F2}"));
    }

    // The two runs of a round ran next to each other, under the same conditions: on a shared machine, where psql's time
    // alone moved from 1.4 to 2.3 s between rounds, their ratio moves less than either time.
    var ratios = timings[names[0]].Zip(timings[names[1]], (psql, dataflow) => psql / dataflow).ToList();
    Console.WriteLine(FormattableString.Invariant($"ratio within each round: median {Median(ratios):F2}, lowest {ratios.Min():F2}, highest {ratios.Max():F2}"));
}

static async Task<DataflowResult> ExportAsync(string connectionString, string directory, long rows)
{
    var runner = new DataflowRunner(new BenchConnections(connectionString), NullLogger<DataflowRunner>.Instance);
    var request = new DataflowRunRequest(Definitions.Export, null, directory) { Parameters = new Dictionary<string, object?> { ["rows"] = rows } };
    return await runner.RunAsync(request, CancellationToken.None);
}

static async Task<string> PsqlExportAsync(string connectionString, string directory)
{
    var builder = new NpgsqlConnectionStringBuilder(connectionString);
    var file = Path.Combine(directory, "psql-export.csv");
    var copy = $"\\copy ({Definitions.ExportQuery.Replace("@rows", "ALL", StringComparison.Ordinal)}) TO '{file}' WITH (FORMAT csv, HEADER true)";
    var start = new ProcessStartInfo("psql", ["-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!, "-v", "ON_ERROR_STOP=1", "-c", copy])
    {
        RedirectStandardOutput = true,
    };
    using var psql = Process.Start(start)!;
    await psql.StandardOutput.ReadToEndAsync();
    await psql.WaitForExitAsync();
    return psql.ExitCode == 0 ? file : throw new InvalidOperationException($"psql exited with {psql.ExitCode}");
}

static long InputRows(string file) => Definitions.InputRows ??= CountRecords(file);

static long CountRecords(string file)
{
    using var reader = CsvHelper.CsvReader.FromFile(file, new CsvHelper.CsvReaderOptions { Separator = ',', HasHeader = true, DetectSeparatorHint = false });
    reader.ReadHeader();
    long count = 0;
    while (reader.Read())
    {
        count++;
    }

    return count;
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
}

static async Task<DataflowResult> LoadAsync(string file, string connectionString, DataflowDefinition definition)
{
    var runner = new DataflowRunner(new BenchConnections(connectionString), NullLogger<DataflowRunner>.Instance);
    return await runner.RunAsync(new DataflowRunRequest(definition, file, Path.GetTempPath()), CancellationToken.None);
}

static async Task PsqlCopyAsync(string file, string connectionString)
{
    var builder = new NpgsqlConnectionStringBuilder(connectionString);
    var copy = $"\\copy orders ({OrdersGenerator.Header}) FROM '{file}' WITH (FORMAT csv, HEADER true)";
    var start = new ProcessStartInfo("psql", ["-h", builder.Host!, "-p", builder.Port.ToString(CultureInfo.InvariantCulture), "-U", builder.Username!, "-d", builder.Database!, "-v", "ON_ERROR_STOP=1", "-c", copy])
    {
        RedirectStandardOutput = true,
    };
    using var psql = Process.Start(start)!;
    await psql.StandardOutput.ReadToEndAsync();
    await psql.WaitForExitAsync();
    if (psql.ExitCode != 0)
    {
        throw new InvalidOperationException($"psql exited with {psql.ExitCode}");
    }
}

static async Task ExecuteAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    await command.ExecuteNonQueryAsync();
}

static async Task<long> ScalarAsync(string connectionString, string sql)
{
    await using var connection = new NpgsqlConnection(connectionString);
    await connection.OpenAsync();
    await using var command = new NpgsqlCommand(sql, connection);
    return (long)(await command.ExecuteScalarAsync())!;
}

static long PeakResidentMiB()
{
    var line = File.ReadLines("/proc/self/status").First(l => l.StartsWith("VmHWM:", StringComparison.Ordinal));
    return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024;
}

internal sealed class BenchConnections(string connectionString) : IDatabaseConnections
{
    public string GetPostgreSqlConnectionString(string connectionName) => connectionString;
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Scheduler.Bench;

/// <summary>
/// What bench/stack.sh prepared (a PostgreSQL cluster with the databases <c>scheduler</c> and <c>warehouse</c>, the
/// built service, a folder of input files) and the nodes running on it: one Web node and two Worker nodes.
/// </summary>
internal sealed class Stack : IDisposable
{
    public required string AppFolder { get; init; }

    public required string WorkFolder { get; init; }

    public required string PostgresBin { get; init; }

    public required string PostgresData { get; init; }

    public required int PostgresPort { get; init; }

    public string SchedulerDatabase => $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Database=scheduler";

    public string WarehouseDatabase => $"Host=127.0.0.1;Port={PostgresPort};Username=postgres;Database=warehouse";

    public string FilesFolder => Path.Combine(WorkFolder, "files");

    public string Password { get; private init; } = $"bench-{Guid.NewGuid():N}";

    /// <summary>The same stack with the service built elsewhere (another build of it, for a node started from there).</summary>
    public Stack WithApp(string appFolder) => new()
    {
        AppFolder = appFolder,
        WorkFolder = WorkFolder,
        PostgresBin = PostgresBin,
        PostgresData = PostgresData,
        PostgresPort = PostgresPort,
        Password = Password,
    };

    /// <summary>The table the orders loads and psql's \copy fill: typed, logged, without indexes.</summary>
    public const string OrdersTable =
        "CREATE TABLE IF NOT EXISTS orders (id bigint NOT NULL, customer text NOT NULL, email text, amount numeric, quantity integer, "
        + "created_at timestamptz, country text, active boolean, note text)";

    public ServiceNode? Web { get; set; }

    public ServiceNode? Worker1 { get; set; }

    public ServiceNode? Worker2 { get; set; }

    public IEnumerable<ServiceNode> Workers => new[] { Worker1, Worker2 }.OfType<ServiceNode>();

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public Dictionary<string, string> ServiceEnvironment(string role) => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["ConnectionStrings__Scheduler"] = SchedulerDatabase,
        ["Auth__AdminPassword"] = Password,
        ["Auth__SigningKey"] = "bench-signing-key-of-at-least-32-characters",
        ["Scheduler__Role"] = role,
        ["Scheduler__DefinitionsPath"] = Path.Combine(AppContext.BaseDirectory, "definitions"),
        ["Scheduler__WorkingDirectory"] = Path.Combine(WorkFolder, "jobs"),
        ["Scheduler__DataProtectionKeysPath"] = Path.Combine(WorkFolder, "keys"),
        ["Connections__BenchFiles__Type"] = "Local",
        ["Connections__BenchFiles__Path"] = FilesFolder,
        ["Connections__Warehouse__Type"] = "PostgreSql",
        ["Connections__Warehouse__ConnectionString"] = WarehouseDatabase,
        ["Logging__LogLevel__Default"] = "Warning",
    };

    public async Task StartAsync()
    {
        // The workers first: the Web node's readiness asks for a live worker.
        Worker1 = await ServiceNode.StartAsync("worker-1", this, "Worker");
        Worker2 = await ServiceNode.StartAsync("worker-2", this, "Worker");
        Web = await ServiceNode.StartAsync("web", this, "Web");
    }

    /// <summary>Stops both workers and starts worker-1 alone, from <paramref name="appFolder"/> with <paramref name="environment"/> added.</summary>
    public async Task<ServiceNode> RunOneWorkerAsync(string appFolder, IReadOnlyDictionary<string, string> environment)
    {
        Worker1?.Dispose();
        Worker2?.Dispose();
        Worker2 = null;
        Worker1 = await ServiceNode.StartAsync("worker-1", WithApp(appFolder), "Worker", environment);
        return Worker1;
    }

    /// <summary>The stack as most parts expect it: two workers with the default settings.</summary>
    public async Task RunTwoWorkersAsync()
    {
        Worker1?.Dispose();
        Worker2?.Dispose();
        Worker1 = await ServiceNode.StartAsync("worker-1", this, "Worker");
        Worker2 = await ServiceNode.StartAsync("worker-2", this, "Worker");
    }

    /// <summary><c>pg_ctl restart -m fast</c>: every connection is terminated; returns when the database accepts connections again.</summary>
    public void RestartDatabase()
    {
        Run("runuser", "-u", "postgres", "--", Path.Combine(PostgresBin, "pg_ctl"), "-D", PostgresData, "-m", "fast", "-w", "restart");

        // This process's pooled connections were terminated with the rest.
        NpgsqlConnection.ClearAllPools();
    }

    public static async Task<T?> ScalarAsync<T>(string connectionString, string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            command.Parameters.Add(new NpgsqlParameter { Value = parameter });
        }

        var value = await command.ExecuteScalarAsync();
        return value is null or DBNull ? default : (T)value;
    }

    public static void Run(string fileName, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo(fileName, arguments) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', arguments)} failed: {output.Result}{error}");
        }
    }

    public void Dispose()
    {
        foreach (var node in new[] { Web, Worker1, Worker2 }.OfType<ServiceNode>())
        {
            node.Dispose();
        }
    }
}

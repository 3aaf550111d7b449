using System.Globalization;
using Npgsql;
using Scheduler.Testing;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>
/// The service as production runs it: Hangfire and job records on a real PostgreSQL database, orders downloaded
/// from a real FTP server and loaded into a second real database.
/// </summary>
public sealed class ProductionStackFixture : IAsyncLifetime
{
    public const string WrongPasswordFtp = "WrongPasswordFtp";
    public const string UnreachableFtp = "UnreachableFtp";

    public SchedulerApp App { get; private set; } = null!;

    public string SchedulerDatabase { get; private set; } = "";

    public string WarehouseDatabase { get; private set; } = "";

    public FtpServer Ftp => FtpServer.Shared;

    public async Task InitializeAsync()
    {
        SchedulerDatabase = await PostgresServer.Shared.CreateDatabaseAsync("scheduler");
        WarehouseDatabase = await PostgresServer.Shared.CreateDatabaseAsync("warehouse");
        App = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = SchedulerDatabase,
            ["Connections:OrdersFtp:Type"] = "Ftp",
            ["Connections:OrdersFtp:Host"] = Ftp.Host,
            ["Connections:OrdersFtp:Port"] = Ftp.Port.ToString(CultureInfo.InvariantCulture),
            ["Connections:OrdersFtp:Username"] = Ftp.Username,
            ["Connections:OrdersFtp:Password"] = Ftp.Password,
            [$"Connections:{WrongPasswordFtp}:Type"] = "Ftp",
            [$"Connections:{WrongPasswordFtp}:Host"] = Ftp.Host,
            [$"Connections:{WrongPasswordFtp}:Port"] = Ftp.Port.ToString(CultureInfo.InvariantCulture),
            [$"Connections:{WrongPasswordFtp}:Username"] = Ftp.Username,
            [$"Connections:{WrongPasswordFtp}:Password"] = "not-the-password",
            [$"Connections:{UnreachableFtp}:Type"] = "Ftp",
            [$"Connections:{UnreachableFtp}:Host"] = "127.0.0.1",
            [$"Connections:{UnreachableFtp}:Port"] = ClosedPort().ToString(CultureInfo.InvariantCulture),
            ["Connections:Warehouse:Type"] = "PostgreSql",
            ["Connections:Warehouse:ConnectionString"] = WarehouseDatabase,
        }));
        _ = App.Server; // start it, so that the first test does not pay for start-up inside its own timeout
    }

    public async Task DisposeAsync()
    {
        await App.DisposeAsync();

        // Npgsql keeps idle pooled connections for minutes after the service is gone; with a fixture per test class
        // they would use up the shared test cluster's hundred connections before the run ends.
        NpgsqlConnection.ClearAllPools();
    }

    /// <summary>Puts the sample orders file on the FTP server under a folder of its own, and returns its remote path.</summary>
    /// <summary>The environment of the service started as a process of its own on this stack (see <see cref="RunningServer"/>).</summary>
    public Dictionary<string, string> ServiceEnvironment(string schedulerDatabase, string signingKey) => new()
    {
        ["ConnectionStrings__Scheduler"] = schedulerDatabase,
        ["Auth__AdminPassword"] = SchedulerApp.AdminPassword,
        ["Auth__SigningKey"] = signingKey,
        ["Scheduler__DefinitionsPath"] = SchedulerApp.RepositoryFolder("samples"),
        ["Scheduler__WorkingDirectory"] = App.WorkingDirectory,
        ["Connections__OrdersFtp__Type"] = "Ftp",
        ["Connections__OrdersFtp__Host"] = Ftp.Host,
        ["Connections__OrdersFtp__Port"] = Ftp.Port.ToString(CultureInfo.InvariantCulture),
        ["Connections__OrdersFtp__Username"] = Ftp.Username,
        ["Connections__OrdersFtp__Password"] = Ftp.Password,
        ["Connections__Warehouse__Type"] = "PostgreSql",
        ["Connections__Warehouse__ConnectionString"] = WarehouseDatabase,
    };

    public string UploadOrders(string? content = null)
    {
        var remote = $"in/{Guid.NewGuid():N}/orders.csv";
        Ftp.WriteFile(remote, content ?? File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv"))));
        return remote;
    }

    public async Task<T> ScalarAsync<T>(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async Task ExecuteAsync(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>A connection whose open transaction keeps everyone from writing to <paramref name="table"/> until it is closed.</summary>
    public async Task<NpgsqlConnection> HoldAsync(string connectionString, string table)
    {
        var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"BEGIN; LOCK TABLE {table} IN SHARE MODE", connection);
        await command.ExecuteNonQueryAsync();
        return connection;
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}

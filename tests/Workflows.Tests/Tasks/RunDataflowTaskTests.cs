using Microsoft.Extensions.Logging.Abstractions;
using MimeKit;
using Npgsql;
using Scheduler.Dataflows;
using Scheduler.Testing;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Tasks;

/// <summary>RunDataflow with a query source: the sample export against a real PostgreSQL, a real FTP server (vsftpd) and, when it fails, a real SMTP server (aiosmtpd).</summary>
public sealed class RunDataflowTaskTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly InMemoryDefinitionStore _definitions = new(TimeProvider.System);
    private string _connectionString = "";

    public async Task InitializeAsync()
    {
        _connectionString = await PostgresServer.Shared.CreateDatabaseAsync("export");
        await using var connection = new NpgsqlConnection(_connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            CREATE TABLE orders (id int PRIMARY KEY, customer text NOT NULL, email text, amount numeric, created_at timestamptz, country varchar(2));
            INSERT INTO orders VALUES
              (1, 'Old Order', NULL, 1.00, '2026-01-15 08:00:00+00', 'DE'),
              (2, 'Schmidt, Johann', 'js@example.de', 45.50, '2026-03-01 10:02:30+00', 'DE'),
              (3, 'George Smith', NULL, 15.75, '2026-03-02 21:10:00+00', 'US');
            """, connection);
        await command.ExecuteNonQueryAsync();
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task The_sample_export_uploads_the_orders_of_its_query_to_the_partners_FTP_server()
    {
        var remoteFolder = FtpTestFiles.UniqueFolder();
        VsftpdServer.Shared.WriteFile($"{remoteFolder}/placeholder", []);

        var (result, _, steps, _) = await RunSampleExportAsync(remoteFolder, "etl-oncall@example.com");

        result.Status.Should().Be(RunStatus.Completed, result.Error);
        steps["Export"].Outputs["rowsWritten"].Should().Be(2L);
        steps["Export"].Outputs["filesProcessed"].Should().Be(0L);
        steps["MailFailure"].Status.Should().Be(StepStatus.Skipped);
        File.ReadAllLines(Path.Combine(VsftpdServer.Shared.RootPath, remoteFolder, "orders-export.csv")).Should().Equal(
            "id,customer,email,amount,created_at,country",
            "2,\"Schmidt, Johann\",js@example.de,45.50,2026-03-01T10:02:30+00:00,DE",
            "3,George Smith,,15.75,2026-03-02T21:10:00+00:00,US");
    }

    [Fact]
    public async Task A_failed_sample_export_mails_the_jobs_error_to_the_operators_through_a_real_SMTP_server()
    {
        await using (var connection = new NpgsqlConnection(_connectionString))
        {
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand("DROP TABLE orders", connection);
            await drop.ExecuteNonQueryAsync();
        }

        var recipient = $"ops-{Guid.NewGuid():N}@example.com";

        var (result, job, steps, _) = await RunSampleExportAsync(FtpTestFiles.UniqueFolder(), recipient);

        result.Status.Should().Be(RunStatus.Failed);
        result.Error.Should().Contain("relation \"orders\" does not exist");
        steps["MailFailure"].Status.Should().Be(StepStatus.Completed, steps["MailFailure"].Error);
        var mail = SmtpServer.Shared.Received(recipient).Should().ContainSingle().Subject;
        using var message = MimeMessage.Load(new MemoryStream(mail.Content));
        message.Subject.Should().Be($"orders-export {job.JobId} failed");
        message.TextBody.Should().Contain(result.Error!).And.Contain("orders-export.csv failed");
    }

    [Fact]
    public async Task A_query_dataflow_takes_its_parameters_as_inputs_and_no_file()
    {
        using var dataflows = await DataflowsAsync(Sample("dataflows/orders-export.json"));

        var inputs = Registry(dataflows).Get("RunDataflow")!.InputsFor(new Dictionary<string, string> { ["dataflow"] = "orders-export" }, _ => null);

        inputs.Select(i => i.Name).Should().Equal("dataflow", "table", "since");
        inputs.Single(i => i.Name == "since").Type.Should().Be(ScalarType.DateTime);
    }

    [Theory]
    [InlineData("NoSuchDb", "the connection 'NoSuchDb' is not configured")]
    [InlineData("PartnerFtp", "the connection 'PartnerFtp' is a Ftp connection")]
    public void A_query_source_on_a_connection_that_is_missing_or_not_PostgreSql_is_refused_at_its_path(string connection, string problem)
    {
        using var dataflows = new DataflowCatalog(_definitions, NullLogger<DataflowCatalog>.Instance, Connections());

        var result = dataflows.Load(Sample("dataflows/orders-export.json").Replace("\"Warehouse\"", $"\"{connection}\"", StringComparison.Ordinal));

        result.Problems.Should().ContainSingle().Which.Should().Match<Dataflows.Definitions.DefinitionProblem>(p => p.Path == "$.source.connection" && p.Message.Contains(problem));
    }

    /// <summary>Runs the sample export workflow as saved in samples/, with its sample dataflow, the way a job would.</summary>
    private async Task<HarnessRun> RunSampleExportAsync(string remoteFolder, string notify)
    {
        using var dataflows = await DataflowsAsync(Sample("dataflows/orders-export.json"));
        return await new WorkflowHarness(Registry(dataflows), Connections(), _folder.Path).RunAsync(
            Sample("workflows/orders-export.json"),
            ("since", new DateTimeOffset(2026, 3, 1, 0, 0, 0, TimeSpan.Zero)),
            ("remotePath", $"{remoteFolder}/orders-export.csv"),
            ("notify", notify));
    }

    private async Task<DataflowCatalog> DataflowsAsync(string document)
    {
        await _definitions.SaveAsync(DefinitionKind.Dataflow, "orders-export", document, null, onlyIfChanged: false, CancellationToken.None);
        var catalog = new DataflowCatalog(_definitions, NullLogger<DataflowCatalog>.Instance, Connections());
        await catalog.RefreshAsync(CancellationToken.None);
        return catalog;
    }

    private TaskRegistry Registry(DataflowCatalog dataflows) => TestTasks.Registry(
        new RunDataflowTask(dataflows, new DataflowRunner(Connections(), NullLogger<DataflowRunner>.Instance), NullLogger<DataflowRunner>.Instance),
        new FileTransferTask(Connections(), new RemoteFilesFactory()),
        new SendMailTask(Connections()));

    private ConnectionCatalog Connections() => new(new Dictionary<string, ConnectionSettings>
    {
        ["Warehouse"] = new() { Type = "PostgreSql", ConnectionString = _connectionString },
        ["PartnerFtp"] = TransferServers.VsftpdSettings(tls: false),
        ["OpsMail"] = new()
        {
            Type = "Smtp",
            Host = SmtpServer.Shared.Host,
            Port = SmtpServer.Shared.StartTlsPort,
            Username = SmtpServer.Shared.Username,
            Password = SmtpServer.Shared.Password,
            From = "Scheduler <scheduler@example.com>",
            Fingerprint = SmtpServer.Shared.CertificateSha256,
        },
    });

    private static string Sample(string path)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var file = Path.Combine(folder.FullName, "samples", path);
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }

        throw new FileNotFoundException($"samples/{path} not found");
    }
}

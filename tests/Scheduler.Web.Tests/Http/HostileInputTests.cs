using System.Net;
using Scheduler.Web.Accounts;
using Xunit.Abstractions;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Http;

/// <summary>
/// No request can crash the service: the hostile corpus (<see cref="HostileInputs"/>) goes to every endpoint as every
/// role, and no answer is a 5xx or carries a configured secret, nothing is written outside the job folders, and
/// afterwards the service is alive and still runs a job to completion.
/// </summary>
public sealed class HostileInputTests(HostileInputTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<HostileInputTests.Fixture>
{
    [Fact]
    public async Task No_hostile_input_to_any_endpoint_as_any_role_gets_a_5xx_leaks_a_secret_writes_outside_the_job_folders_or_stops_the_service()
    {
        await SendAndCheckAsync(HostileInputs.All);
    }

    private async Task SendAndCheckAsync(IReadOnlyList<HostileInput> inputs)
    {
        var before = fixture.Snapshot();

        var report = await new HostileInputRunner(fixture.App, fixture.Clients, fixture.Secrets).RunAsync(inputs);

        output.WriteLine(report.ToString());
        // A 500's cause is in the service's log, not in its answer: keep it with the test's output.
        foreach (var line in fixture.App.LogLines.Where(line => line.StartsWith("Error Microsoft.AspNetCore", StringComparison.Ordinal)))
        {
            output.WriteLine(line);
        }

        report.Failures.Should().BeEmpty("no hostile input may get a 5xx, fail to get an answer, or get a secret back");
        (await fixture.Admin.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var job = await fixture.Admin.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        (await fixture.Admin.WaitForEndAsync(job)).Text("status").Should().Be("Completed");
        fixture.Snapshot().Except(before).Where(entry => !fixture.IsInAJobFolder(entry.Path))
            .Should().BeEmpty("nothing may be written outside the job folders");
    }

    public sealed class Fixture : IAsyncLifetime
    {
        private const string FtpPassword = "Hostile-Ftp-Secret-7fd0a1";
        private const string DatabasePassword = "Hostile-Db-Secret-2b91c4";
        private const string SigningKey = "Hostile-Signing-Key-6c1e0f-0123456789abcdef";

        private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("scheduler-hostile-");
        private readonly List<HttpClient> _all = [];

        public Fixture()
        {
            Jobs = Path.Combine(_root.FullName, "jobs");
            App = new SchedulerApp(TestUsers.Settings(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
            {
                ["Scheduler:WorkingDirectory"] = Jobs,
                ["Scheduler:DataProtectionKeysPath"] = Path.Combine(_root.FullName, "keys"),
                ["Auth:SigningKey"] = SigningKey,
                ["Connections:HostileFtp:Type"] = "Ftp",
                ["Connections:HostileFtp:Host"] = "127.0.0.1",
                ["Connections:HostileFtp:Username"] = "etl",
                ["Connections:HostileFtp:Password"] = FtpPassword,
                ["Connections:HostileDb:Type"] = "PostgreSql",
                ["Connections:HostileDb:ConnectionString"] = $"Host=127.0.0.1;Port=1;Username=etl;Password={DatabasePassword}",
            })));
        }

        public SchedulerApp App { get; }

        public string Jobs { get; }

        public HttpClient Admin { get; private set; } = null!;

        public Dictionary<string, HttpClient> Clients { get; } = [];

        public IReadOnlyCollection<string> Secrets { get; } =
            [FtpPassword, DatabasePassword, SigningKey, SchedulerApp.AdminPassword, TestUsers.Password, TestUsers.PasswordHash];

        public async Task InitializeAsync()
        {
            Admin = await App.LoginAsync();
            Clients["anonymous"] = Keep(App.CreateBrowserClient());
            Clients[Roles.Viewer] = await BothAsync(TestUsers.Viewer, TestUsers.Password);
            Clients[Roles.Operator] = await BothAsync(TestUsers.Operator, TestUsers.Password);
            Clients[Roles.Admin] = await BothAsync("admin", SchedulerApp.AdminPassword);
        }

        public async Task DisposeAsync()
        {
            Admin.Dispose();
            _all.ForEach(client => client.Dispose());
            await App.DisposeAsync();
            _root.Delete(recursive: true);
        }

        /// <summary>Every file and folder under the temporary root that holds the working directory, with size and time.</summary>
        public HashSet<(string Path, long Size, DateTime Written)> Snapshot() =>
            [.. _root.EnumerateFileSystemInfos("*", SearchOption.AllDirectories)
                .Where(entry => !entry.FullName.StartsWith(Path.Combine(_root.FullName, "keys"), StringComparison.Ordinal))
                .Select(entry => entry is FileInfo file ? (file.FullName, file.Length, file.LastWriteTimeUtc) : (entry.FullName, -1L, DateTime.MinValue))];

        /// <summary>The working directory itself, or inside a folder of it named for a job id.</summary>
        public bool IsInAJobFolder(string path) =>
            path == Jobs || Path.GetRelativePath(Jobs, path).Split(Path.DirectorySeparatorChar) is [{ Length: > 0 } job, ..] && job.All(char.IsAsciiDigit);

        // A browser with the dashboard cookie that also sends the API's bearer token: one client reaches every endpoint as the role.
        private async Task<HttpClient> BothAsync(string user, string password)
        {
            var client = Keep(await App.SignedInAsync(user, password));
            using var api = await App.LoginAsAsync(user, password);
            client.DefaultRequestHeaders.Authorization = api.DefaultRequestHeaders.Authorization;
            return client;
        }

        private HttpClient Keep(HttpClient client)
        {
            _all.Add(client);
            return client;
        }
    }
}

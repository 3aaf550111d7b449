using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Jobs;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Binding;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>
/// A secret variable's value appears nowhere but in its own encrypted store: not in any response, dashboard page,
/// log line or table, even when a job fails because of it; and only the job it was given to may use it.
/// </summary>
public sealed class SecretLeakTests(SecretLeakTests.Fixture fixture) : IClassFixture<SecretLeakTests.Fixture>
{
    [Fact]
    public async Task A_failed_job_using_a_secret_in_paths_a_decision_and_a_child_workflow_shows_it_in_no_response_page_log_or_table()
    {
        var (jobId, secret) = (fixture.FailedJobId, fixture.Secret);
        var details = await fixture.Admin.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        details.Text("status").Should().Be("Failed");
        details.Step("Download").Text("status").Should().Be("Completed", "the worker got the real value");
        details.Step("Missing").Text("error").Should().Contain("***");
        details.Step("Parse").Text("error").Should().Contain("***", "the decision failed on the secret: " + details);
        details.Step("Child").Text("error").Should().Contain("***");
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        using var viewerApi = await fixture.App.LoginAsAsync(TestUsers.Viewer);

        var seen = new StringBuilder();
        foreach (var path in new[]
        {
            $"/api/jobs/{jobId}", $"/api/jobs/{jobId}/status", $"/api/jobs/{jobId}/log", $"/api/jobs/{jobId}/files",
            $"/api/jobs?workflow={fixture.Workflow}", "/api/jobs", "/api/schedules",
        })
        {
            seen.Append(await Read(viewerApi, path)).Append(await Read(fixture.Admin, path));
        }

        var jobPage = await Read(viewer, $"/hangfire/jobs/details/{jobId}");
        foreach (var path in new[]
        {
            "/hangfire", "/hangfire/jobs/enqueued", "/hangfire/jobs/processing", "/hangfire/jobs/scheduled", "/hangfire/jobs/succeeded",
            "/hangfire/jobs/failed", "/hangfire/jobs/deleted", "/hangfire/jobs/awaiting", "/hangfire/recurring", "/hangfire/retries",
            "/hangfire/schedules", $"/hangfire/workflows/{fixture.Workflow}/run",
            "/hangfire/workflows", $"/hangfire/workflows/{fixture.Workflow}", $"/hangfire/workflow-jobs/{jobId}/live",
        })
        {
            seen.Append(await Read(viewer, path));
        }

        var logs = string.Join('\n', fixture.App.LogLines);
        var dump = await PostgresServer.DumpAsync(fixture.Database);

        jobPage.Should().Contain("id=\"workflow-steps\"").And.Contain("***", "the page shows the masked failure");
        seen.ToString().Should().NotContain(secret);
        jobPage.Should().NotContain(secret);
        logs.Should().Contain("***", "the lines about the secret paths are there, masked").And.NotContain(secret);
        dump.Should().Contain("***").And.NotContain(secret);
        dump.Should().NotContainEquivalentOf(Convert.ToHexString(Encoding.UTF8.GetBytes(secret)), "bytea columns are dumped in hex");
    }

    [Fact]
    public async Task A_secret_value_is_stored_encrypted_with_the_data_protection_keys()
    {
        await using var connection = new NpgsqlConnection(fixture.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT value, protected, owner FROM scheduler.secret_values WHERE owner = $1", connection)
        {
            Parameters = { new() { Value = $"job:{fixture.FailedJobId}" } },
        };
        await using var reader = await command.ExecuteReaderAsync();

        (await reader.ReadAsync()).Should().BeTrue("the job's secret value is kept for it");
        reader.IsDBNull(0).Should().BeTrue("no plain text");
        var stored = (byte[])reader[1];
        stored.AsSpan().IndexOf(Encoding.UTF8.GetBytes(fixture.Secret)).Should().Be(-1);
        Directory.EnumerateFiles(fixture.KeysFolder, "key-*.xml").Should().NotBeEmpty("the key is in the configured folder, not in the database");
    }

    [Fact]
    public async Task A_reference_to_another_jobs_secret_is_refused_by_run_requests_and_schedules_and_by_the_worker()
    {
        var reference = ReferenceOf(await ArgumentsAsync(fixture.FailedJobId));
        using var operatorClient = await fixture.App.LoginAsAsync(TestUsers.Operator);

        var run = await operatorClient.RunAsync(fixture.Workflow, Parameter("Variables", "folder", reference));
        var schedule = await operatorClient.PutAsJsonAsync(
            $"/api/schedules/stolen-{Guid.NewGuid():N}",
            new { workflow = fixture.Workflow, cron = "0 2 * * *", parameters = new[] { Parameter("Variables", "folder", reference) } });
        var child = fixture.App.Services.GetRequiredService<IBackgroundJobClient>()
            .Create(WorkflowJob.Call(fixture.Workflow, [new ParameterAssignment("Variables", "folder", reference)]), new EnqueuedState());
        var ranWithIt = await fixture.Admin.WaitForEndAsync(child);

        foreach (var refused in new[] { run, schedule })
        {
            refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("parameters[0].value")[0].GetString()
                .Should().Contain("another job or schedule");
        }

        ranWithIt.Text("status").Should().Be("Failed");
        ranWithIt.Text("error").Should().Contain($"is not a secret value of job {child}");
        ranWithIt.GetProperty("steps").GetArrayLength().Should().Be(0, "nothing ran with it");
    }

    [Fact]
    public async Task A_retry_runs_with_the_same_secret_kept_anew_for_the_new_job()
    {
        var retry = await fixture.Admin.PostAsync($"/api/jobs/{fixture.FailedJobId}/retry", null);
        retry.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var retryId = (await retry.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;

        var details = await fixture.Admin.WaitForEndAsync(retryId);

        details.Step("Download").Text("status").Should().Be("Completed", "the retry got the value");
        ReferenceOf(await ArgumentsAsync(retryId)).Should().NotBe(ReferenceOf(await ArgumentsAsync(fixture.FailedJobId)));
    }

    [Fact]
    public async Task Retention_deletes_the_secret_values_of_the_jobs_it_purges()
    {
        using var admin = await fixture.App.LoginAsync();
        var jobId = await admin.StartAsync(fixture.Workflow, Parameter("Variables", "folder", fixture.Secret));
        await admin.WaitForEndAsync(jobId);
        await ExecuteAsync($"UPDATE scheduler.job_runs SET finished_at = '2000-01-01' WHERE job_id = '{jobId}'");
        (await CountAsync($"SELECT count(*) FROM scheduler.secret_values WHERE owner = 'job:{jobId}'")).Should().Be(1);

        await fixture.App.Services.GetServices<IHostedService>().OfType<JobRetention>().Single().PurgeAsync(CancellationToken.None);

        (await CountAsync($"SELECT count(*) FROM scheduler.secret_values WHERE owner = 'job:{jobId}'")).Should().Be(0);
        (await CountAsync($"SELECT count(*) FROM scheduler.secret_values WHERE owner = 'job:{fixture.FailedJobId}'")).Should().Be(1, "a recent job keeps its value");
    }

    private static async Task<string> Read(HttpClient client, string path)
    {
        var response = await client.GetAsync(path);
        response.StatusCode.Should().Be(HttpStatusCode.OK, path);
        return await response.Content.ReadAsStringAsync();
    }

    private static string ReferenceOf(string arguments) =>
        System.Text.RegularExpressions.Regex.Match(arguments, @"\*\*\*:[0-9a-f]{32}").Value is { Length: > 0 } reference
            ? reference
            : throw new InvalidOperationException("no secret reference in " + arguments);

    private Task<string> ArgumentsAsync(string jobId) => ScalarAsync<string>($"SELECT arguments::text FROM hangfire.job WHERE id = {jobId}");

    private Task<long> CountAsync(string sql) => ScalarAsync<long>(sql);

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(fixture.Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>
    /// One failed job whose secret variable names a download folder (found, then missing), is parsed by a Decision
    /// (whose exception quotes it) and is passed to a child workflow that downloads from it too.
    /// </summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly string _drop = Directory.CreateTempSubdirectory("scheduler-secret-drop-").FullName;

        public string Secret { get; } = $"S3cr3t{Guid.NewGuid():N}";

        public string KeysFolder { get; } = Directory.CreateTempSubdirectory("scheduler-secret-keys-").FullName;

        public string Database { get; private set; } = "";

        public string Workflow { get; } = DefinitionsClient.UniqueName("secret-leak");

        public SchedulerApp App { get; private set; } = null!;

        public HttpClient Admin { get; private set; } = null!;

        public string FailedJobId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Database = await PostgresServer.Shared.CreateDatabaseAsync("secrets");
            Directory.CreateDirectory(Path.Combine(_drop, Secret));
            File.Copy(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv")), Path.Combine(_drop, Secret, "orders.csv"));
            App = new SchedulerApp(TestUsers.Settings(new Dictionary<string, string?>
            {
                ["ConnectionStrings:Scheduler"] = Database,
                ["Scheduler:DataProtectionKeysPath"] = KeysFolder,
                ["Connections:Drop:Type"] = "Local",
                ["Connections:Drop:Path"] = _drop,
            }));
            Admin = await App.LoginAsync();
            var child = Workflow + "-child";
            await Admin.PutWorkflowAsync(Definition(child, """
                [{ "name": "Fetch", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Drop", "remotePath": "${Variables.folder}/missing.csv" } }]
                """, secret: false));
            await Admin.PutWorkflowAsync(Definition(Workflow, $$"""
                [
                  { "name": "Download", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Drop", "remotePath": "${Variables.folder}/orders.csv" } },
                  { "name": "Load", "type": "RunDataflow", "inputs": { "dataflow": "orders-to-csv", "filePath": "${Download.localPath}" } },
                  { "name": "Missing", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Drop", "remotePath": "${Variables.folder}/missing.csv" } },
                  { "name": "Parse", "type": "Decision", "inputs": { "expression": "int.Parse(Variables.folder) > 0" } },
                  { "name": "Child", "type": "RunWorkflow", "inputs": { "workflow": "{{child}}", "folder": "${Variables.folder}" } }
                ]
                """, secret: true));
            FailedJobId = await Admin.StartAsync(Workflow, Parameter("Variables", "folder", Secret));
            await Admin.WaitForEndAsync(FailedJobId);
        }

        public async Task DisposeAsync()
        {
            Admin.Dispose();
            await App.DisposeAsync();
            NpgsqlConnection.ClearAllPools();
            Directory.Delete(_drop, recursive: true);
            Directory.Delete(KeysFolder, recursive: true);
        }

        private static JsonObject Definition(string name, string tasks, bool secret) => new()
        {
            ["name"] = name,
            ["variables"] = new JsonArray(new JsonObject { ["name"] = "folder", ["type"] = "string", ["secret"] = secret }),
            ["tasks"] = JsonNode.Parse(tasks),
            ["outputs"] = secret
                ? new JsonArray(new JsonObject { ["name"] = "downloaded", ["type"] = "string", ["value"] = "${Download.localPath}" })
                : new JsonArray(),
        };
    }
}

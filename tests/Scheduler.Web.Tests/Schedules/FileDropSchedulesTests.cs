using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Schedules;

/// <summary>
/// File-drop schedules through the API on a Local folder connection: a dropped file starts one job that knows the file
/// and itself (<c>Context</c>), bad triggers are refused with every problem, and the schedule is listed, paused and
/// deleted like a cron schedule.
/// </summary>
public sealed class FileDropSchedulesTests(DropsApp drops) : IClassFixture<DropsApp>
{
    private readonly string _drops = drops.Folder;
    private readonly HttpClient _client = drops.Client;

    [Fact]
    public async Task A_dropped_file_starts_one_job_whose_output_names_the_job_and_the_file()
    {
        var id = NewId();
        Directory.CreateDirectory(Path.Combine(_drops, "in"));
        File.Copy(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv")), Path.Combine(_drops, "in", "orders.csv"));
        (await _client.PutAsJsonAsync($"/api/schedules/{id}", Sample())).StatusCode.Should().Be(HttpStatusCode.Created);

        var jobId = await TriggerUntilAJobStartsAsync(id);
        var details = await _client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        var outputs = details.GetProperty("outputs");
        outputs.GetProperty("job").GetString().Should().Be(jobId);
        outputs.GetProperty("triggeredBy").GetString().Should().Be("file:in/orders.csv");
        var written = await _client.GetStringAsync($"/api/jobs/{jobId}/files/output/orders.csv");
        written.Split('\n')[0].Should().EndWith("job_id,source_file\r");
        written.Should().Contain($",{jobId},in/orders.csv");

        (await _client.PostAsync($"/api/schedules/{id}/trigger", null)).StatusCode.Should().Be(HttpStatusCode.Accepted);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var jobs = await _client.GetFromJsonAsync<JsonElement>("/api/jobs?workflow=dropped-orders-import");
        jobs.GetProperty("jobs").EnumerateArray()
            .Where(j => j.GetProperty("parameters").EnumerateArray().Any(p => p.Text("value") == "in/orders.csv"))
            .Select(j => j.Text("jobId")).Should().Equal([jobId], "the same file is started once");
    }

    [Fact]
    public async Task A_run_request_knows_its_job_and_user_and_its_output_file_holds_the_job_id()
    {
        Directory.CreateDirectory(Path.Combine(_drops, "manual"));
        File.Copy(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv")), Path.Combine(_drops, "manual", "orders.csv"));

        var jobId = await _client.StartAsync("dropped-orders-import", Parameter("Variables", "sourceFilePath", "manual/orders.csv"));
        var details = await _client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        details.GetProperty("outputs").GetProperty("triggeredBy").GetString().Should().Be("admin");
        (await _client.GetStringAsync($"/api/jobs/{jobId}/files/output/orders.csv")).Should().Contain($",{jobId},\r\n", "no file dropped: the path is empty");
    }

    [Fact]
    public async Task A_retry_knows_the_job_it_runs_again()
    {
        var failed = await _client.WaitForEndAsync(
            await _client.StartAsync("dropped-orders-import", Parameter("Variables", "sourceFilePath", "retry/orders.csv")));
        Directory.CreateDirectory(Path.Combine(_drops, "retry"));
        File.Copy(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv")), Path.Combine(_drops, "retry", "orders.csv"));

        var retried = await _client.PostAsync($"/api/jobs/{failed.Text("jobId")}/retry", null);
        var details = await _client.WaitForEndAsync((await retried.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!);

        failed.Text("status").Should().Be("Failed", "the file was not there yet");
        details.Text("status").Should().Be("Completed", details.ToString());
        details.GetProperty("outputs").GetProperty("retryOf").GetString().Should().Be(failed.Text("jobId"));
        details.GetProperty("outputs").GetProperty("triggeredBy").GetString().Should().Be("admin");
    }

    [Fact]
    public async Task A_secret_parameter_of_a_file_drop_schedule_is_masked_and_reaches_the_jobs_its_files_start()
    {
        var name = DefinitionsClient.UniqueName("dropped-secret");
        var workflow = DefinitionsClient.SampleWorkflow("dropped-orders-import", name);
        workflow["variables"]!.AsArray().Add(new JsonObject { ["name"] = "token", ["type"] = "string", ["required"] = true, ["secret"] = true });
        await _client.PutWorkflowAsync(workflow);
        Directory.CreateDirectory(Path.Combine(_drops, "secret"));
        File.Copy(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv")), Path.Combine(_drops, "secret", "orders.csv"));
        var id = NewId();

        var saved = await _client.PutAsJsonAsync($"/api/schedules/{id}", new
        {
            workflow = name,
            trigger = new { type = "FileDropped", connection = "Drops", path = "secret/*.csv", pollInterval = 15, variable = "sourceFilePath" },
            parameters = new[] { Parameter("Variables", "token", "s3cret-value") },
        });
        var jobId = await TriggerUntilAJobStartsAsync(id);

        saved.StatusCode.Should().Be(HttpStatusCode.Created);
        (await saved.Content.ReadAsStringAsync()).Should().Contain("***").And.NotContain("s3cret-value");
        (await _client.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed", "the job revealed the schedule's secret for binding");
    }

    [Fact]
    public async Task A_bad_trigger_is_a_400_that_names_every_problem_and_saves_nothing()
    {
        var id = NewId();
        var response = await _client.PutAsJsonAsync($"/api/schedules/{id}", new
        {
            workflow = "dropped-orders-import",
            cron = "0 2 * * *",
            trigger = new { type = "FileCreated", connection = "SampleFiles-missing", path = "../in/*.csv", pollInterval = 45, variable = "nope" },
        });

        var errors = await ErrorsOf(response);
        errors.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(
            "cron", "trigger.type", "trigger.connection", "trigger.path", "trigger.pollInterval", "trigger.variable", "parameters");
        errors.GetProperty("trigger.variable")[0].GetString().Should().Contain("'nope' is not a variable");
        (await _client.GetAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData(14, "trigger.pollInterval")]
    [InlineData(86_401, "trigger.pollInterval")]
    [InlineData(0, "trigger.path")]
    public async Task The_limits_of_a_trigger_are_checked(int pollInterval, string field)
    {
        var path = pollInterval == 0 ? "in/" + new string('a', 497) + ".csv" : "in/*.csv";
        var response = await _client.PutAsJsonAsync($"/api/schedules/{NewId()}", new
        {
            workflow = "dropped-orders-import",
            trigger = new { type = "FileDropped", connection = "Drops", path, pollInterval = pollInterval == 0 ? 60 : pollInterval, variable = "sourceFilePath" },
        });

        var errors = await ErrorsOf(response);
        errors.EnumerateObject().Select(e => e.Name).Should().Equal(field);
        errors.GetProperty(field)[0].GetString().Should().Contain("FileDropLimits");
    }

    [Fact]
    public async Task A_trigger_on_a_connection_that_holds_no_files_is_a_400_naming_its_type()
    {
        var response = await _client.PutAsJsonAsync($"/api/schedules/{NewId()}", new
        {
            workflow = "dropped-orders-import",
            trigger = new { type = "FileDropped", connection = "Mail", path = "in/*.csv", variable = "sourceFilePath" },
        });

        var errors = await ErrorsOf(response);
        errors.EnumerateObject().Select(e => e.Name).Should().Equal("trigger.connection");
        errors.GetProperty("trigger.connection")[0].GetString().Should().Contain("'Mail' is a Smtp connection");
    }

    [Fact]
    public async Task A_file_drop_schedule_is_listed_paused_and_deleted_like_a_cron_schedule()
    {
        var id = NewId();
        var paused = new { workflow = "dropped-orders-import", enabled = false, trigger = new { type = "FileDropped", connection = "Drops", path = "in/*.csv", variable = "sourceFilePath" } };

        (await _client.PutAsJsonAsync($"/api/schedules/{id}", paused)).StatusCode.Should().Be(HttpStatusCode.Created);
        var listed = (await _client.GetFromJsonAsync<JsonElement>("/api/schedules")).EnumerateArray().Single(s => s.Text("id") == id);
        var deleted = await _client.DeleteAsync($"/api/schedules/{id}");

        listed.Text("cron").Should().BeNull();
        listed.GetProperty("enabled").GetBoolean().Should().BeFalse();
        listed.GetProperty("trigger").Text("path").Should().Be("in/*.csv");
        listed.GetProperty("trigger").GetProperty("pollInterval").GetInt32().Should().Be(60, "the default poll interval");
        listed.GetProperty("parameters").GetArrayLength().Should().Be(0, "the variable is set per file, not stored");
        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        (await _client.GetAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static JsonElement Sample() => JsonSerializer.Deserialize<JsonElement>(
        File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "schedules", "orders-drop.json"))));

    /// <summary>Polls now, again and again: the file starts a job once two polls half an interval apart found it unchanged.</summary>
    private async Task<string> TriggerUntilAJobStartsAsync(string id)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var triggered = await _client.PostAsync($"/api/schedules/{id}/trigger", null, timeout.Token);
            triggered.StatusCode.Should().Be(HttpStatusCode.Accepted);
            triggered.Headers.Location!.ToString().Should().Be($"/api/schedules/{id}");
            await Task.Delay(TimeSpan.FromSeconds(2), timeout.Token);
            var schedule = await _client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}", timeout.Token);
            if (schedule.Text("lastJobId") is { } jobId)
            {
                return jobId;
            }
        }
    }

    private static string NewId() => $"drop-{Guid.NewGuid():N}"[..20];
}

/// <summary>One service for the class, in memory, with a Local folder connection <c>Drops</c> to drop files into.</summary>
public sealed class DropsApp : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("scheduler-drops-").FullName;

    public SchedulerApp App { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["Connections:Drops:Type"] = "Local",
            ["Connections:Drops:Path"] = Folder,
            ["Connections:Mail:Type"] = "Smtp",
            ["Connections:Mail:Host"] = "localhost",
        }));
        Client = await App.LoginAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }
}

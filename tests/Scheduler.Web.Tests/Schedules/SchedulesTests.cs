using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Testing;
using Scheduler.Web.Schedules;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Schedules;

/// <summary>Recurring schedules: checked when saved, stored as Hangfire recurring jobs, paused without losing history.</summary>
public sealed class SchedulesTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task Put_creates_a_schedule_with_its_next_run_and_Hangfire_keeps_it_under_its_own_id()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();

        var response = await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly(stack.UploadOrders()));

        response.StatusCode.Should().Be(HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        response.Headers.Location!.ToString().Should().Be($"/api/schedules/{id}");
        var schedule = await client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}");
        schedule.Text("workflow").Should().Be("orders-import");
        schedule.Text("cron").Should().Be("0 2 * * *");
        schedule.Text("timeZone").Should().Be("Europe/Berlin");
        schedule.GetProperty("enabled").GetBoolean().Should().BeTrue();
        schedule.Text("nextRun").Should().NotBeNull();
        schedule.Text("lastJobId").Should().BeNull();
        schedule.GetProperty("parameters")[0].Text("parameters").Should().Be("sourceFilePath");
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = '{id}'"))
            .Should().Be(1);
        var listed = await client.GetFromJsonAsync<JsonElement>("/api/schedules");
        listed.EnumerateArray().Select(s => s.Text("id")).Should().Contain(id);
    }

    [Fact]
    public async Task Put_on_an_existing_schedule_replaces_it_and_answers_200()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();
        (await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly("in/a.csv"))).StatusCode.Should().Be(HttpStatusCode.Created);

        var response = await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly("in/b.csv") with { Cron = "30 6 * * 1-5", TimeZone = "UTC" });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var schedule = await response.Content.ReadFromJsonAsync<JsonElement>();
        schedule.Text("cron").Should().Be("30 6 * * 1-5");
        schedule.Text("timeZone").Should().Be("UTC");
        schedule.GetProperty("parameters")[0].Text("value").Should().Be("in/b.csv");
    }

    [Theory]
    [InlineData("61 2 * * *", "61")]
    [InlineData("0 2 * *", "4 field")]
    [InlineData("every night", "2 field")]
    [InlineData("0 0 31 2 *", "never fires")]
    public async Task Bad_cron_expression_is_a_400_that_says_what_is_wrong_and_saves_nothing(string cron, string says)
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();

        var response = await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly("in/orders.csv") with { Cron = cron });

        var errors = await ErrorsOf(response);
        errors.GetProperty("cron")[0].GetString().Should().Contain(says);
        (await client.GetAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Unknown_time_zone_is_a_400_that_names_it()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.PutAsJsonAsync($"/api/schedules/{NewId()}", Nightly("in/orders.csv") with { TimeZone = "Mars/Olympus_Mons" });

        (await ErrorsOf(response)).GetProperty("timeZone")[0].GetString().Should().Contain("Mars/Olympus_Mons").And.Contain("IANA");
    }

    [Fact]
    public async Task Windows_time_zone_name_is_accepted_and_kept_as_its_IANA_name()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.PutAsJsonAsync($"/api/schedules/{NewId()}", Nightly("in/orders.csv") with { TimeZone = "W. Europe Standard Time" });

        response.StatusCode.Should().Be(HttpStatusCode.Created);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Text("timeZone").Should().Be("Europe/Berlin");
    }

    [Fact]
    public async Task Bad_parameters_are_a_400_in_the_same_shape_as_a_run_request()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();

        var response = await client.PutAsJsonAsync($"/api/schedules/{id}", new
        {
            workflow = "orders-import",
            cron = "0 2 * * *",
            parameters = new[] { Parameter("Varables", "sourceFilePath", "x"), Parameter("FileTransferTask1", "remoteFile", "x"), Parameter("FileTransferTask1", "action", "Delete") },
        });

        var errors = await ErrorsOf(response);
        errors.GetProperty("parameters[0].actionName")[0].GetString().Should().Contain("Variables.sourceFilePath, FileTransferTask1.remotePath");
        errors.GetProperty("parameters[1].parameters")[0].GetString().Should().Contain("remotePath");
        errors.GetProperty("parameters[2].parameters")[0].GetString().Should().Contain("FileTransferTask1.action cannot be set by a run request");
        errors.GetProperty("parameters")[0].GetString().Should().Contain("required variable 'sourceFilePath'");
        (await client.GetAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_schedule_that_names_a_connection_of_the_wrong_type_or_sets_one_directly_is_a_400_at_the_parameter()
    {
        using var client = await stack.App.LoginAsync();
        var workflow = DefinitionsClient.SampleWorkflow("orders-import", DefinitionsClient.UniqueName("inbox"));
        workflow["variables"]!.AsArray().Add(System.Text.Json.Nodes.JsonNode.Parse("""{ "name": "inbox", "default": "OrdersFtp" }"""));
        workflow["tasks"]![0]!["inputs"]!["connection"] = "${Variables.inbox}";
        await client.PutWorkflowAsync(workflow);
        var id = NewId();

        var response = await client.PutAsJsonAsync($"/api/schedules/{id}", new
        {
            workflow = workflow["name"]!.GetValue<string>(),
            cron = "0 2 * * *",
            parameters = new[]
            {
                Parameter("Variables", "sourceFilePath", "x"),
                Parameter("Variables", "inbox", "Warehouse"),
                Parameter("FileTransferTask1", "connection", "NoSuchFtp"),
            },
        });

        var errors = await ErrorsOf(response);
        errors.GetProperty("parameters[1].value")[0].GetString().Should().Contain("'Warehouse' is a PostgreSql connection");
        errors.GetProperty("parameters[2].parameters")[0].GetString().Should().Contain("cannot be set by a run request",
            "a task's connection is never overridable: only a variable the definition routes to it may choose it");
        (await client.GetAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Every_problem_of_a_schedule_is_listed_at_once()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.PutAsJsonAsync("/api/schedules/-bad id", new { workflow = "no-such-workflow", cron = "", timeZone = "Nowhere" });

        var errors = await ErrorsOf(response);
        errors.GetProperty("id")[0].GetString().Should().Contain("-bad id");
        errors.GetProperty("workflow")[0].GetString().Should().Contain("no-such-workflow").And.Contain("orders-import");
        errors.GetProperty("cron")[0].GetString().Should().Contain("five fields");
        errors.GetProperty("timeZone")[0].GetString().Should().Contain("Nowhere");
    }

    [Fact]
    public async Task Trigger_runs_the_workflow_now_and_the_schedule_shows_the_job_and_its_status()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();
        (await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly(stack.UploadOrders()))).EnsureSuccessStatusCode();

        var response = await client.PostAsync($"/api/schedules/{id}/trigger", null);

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var jobId = (await response.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        response.Headers.Location!.ToString().Should().Be($"/api/jobs/{jobId}");
        var details = await client.WaitForEndAsync(jobId);
        details.Text("status").Should().Be("Completed", details.ToString());
        details.Text("workflow").Should().Be("orders-import");
        var schedule = await client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}");
        schedule.Text("lastJobId").Should().Be(jobId);
        schedule.Text("lastJobStatus").Should().Be("Completed");
        schedule.Text("lastRun").Should().NotBeNull();
    }

    [Fact]
    public async Task A_schedule_fires_on_its_cron_and_each_run_is_an_ordinary_job_with_its_record()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();
        (await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly(stack.UploadOrders()) with { Cron = "*/15 * * * * *" })).EnsureSuccessStatusCode();

        try
        {
            // Hangfire's recurring job scheduler looks for due schedules every 15 s at most.
            var lastJobId = await WaitForFirstRunAsync(client, id);

            (await client.GetAsync($"/api/jobs/{lastJobId}/status")).StatusCode.Should().Be(HttpStatusCode.OK);
            (await client.WaitForEndAsync(lastJobId)).Text("workflow").Should().Be("orders-import");
        }
        finally
        {
            await client.DeleteAsync($"/api/schedules/{id}");
        }
    }

    [Fact]
    public async Task Pausing_keeps_the_schedule_and_its_history_and_resuming_plans_the_next_run_again()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();
        var request = Nightly(stack.UploadOrders());
        (await client.PutAsJsonAsync($"/api/schedules/{id}", request)).EnsureSuccessStatusCode();
        var jobId = (await (await client.PostAsync($"/api/schedules/{id}/trigger", null)).Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        await client.WaitForEndAsync(jobId);

        var paused = await (await client.PutAsJsonAsync($"/api/schedules/{id}", request with { Enabled = false })).Content.ReadFromJsonAsync<JsonElement>();

        paused.GetProperty("enabled").GetBoolean().Should().BeFalse();
        paused.Text("nextRun").Should().BeNull();
        paused.Text("cron").Should().Be("0 2 * * *");
        paused.Text("lastJobId").Should().Be(jobId);
        paused.Text("lastJobStatus").Should().Be("Completed");
        var resumed = await (await client.PutAsJsonAsync($"/api/schedules/{id}", request)).Content.ReadFromJsonAsync<JsonElement>();
        resumed.GetProperty("enabled").GetBoolean().Should().BeTrue();
        resumed.Text("nextRun").Should().NotBeNull();
        resumed.Text("lastJobId").Should().Be(jobId);
    }

    [Fact]
    public async Task A_secret_parameter_of_a_schedule_is_masked_and_kept_out_of_Hangfire_but_reaches_its_runs()
    {
        using var client = await stack.App.LoginAsync();
        var (name, folder) = await SecretPathWorkflowAsync(client);
        var id = NewId();

        var saved = await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly($"in/{folder}/orders.csv") with { Workflow = name });

        saved.StatusCode.Should().Be(HttpStatusCode.Created);
        (await saved.Content.ReadAsStringAsync()).Should().Contain("***").And.NotContain(folder);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM hangfire.hash WHERE key = 'recurring-job:{id}' AND value LIKE '%{folder}%'"))
            .Should().Be(0);
        var jobId = (await (await client.PostAsync($"/api/schedules/{id}/trigger", null)).Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        (await client.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed", "the worker got the real path");
    }

    [Fact]
    public async Task A_secrets_mask_is_not_a_value_a_schedule_sent_back_with_it_is_refused_and_keeps_its_secret()
    {
        using var client = await stack.App.LoginAsync();
        var (name, folder) = await SecretPathWorkflowAsync(client);
        var id = NewId();
        (await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly($"in/{folder}/orders.csv") with { Workflow = name })).EnsureSuccessStatusCode();
        var read = JsonNode.Parse(await client.GetStringAsync($"/api/schedules/{id}"))!;
        read["parameters"]![0]!["value"]!.GetValue<string>().Should().Be("***");
        read["cron"] = "30 6 * * *";

        var resent = await client.PutAsJsonAsync($"/api/schedules/{id}", read);
        var run = await client.PostAsJsonAsync("/api/jobs", new { workflow = name, parameters = new[] { Parameter("Variables", "sourceFilePath", "***") } });

        resent.StatusCode.Should().Be(HttpStatusCode.BadRequest, "kept, the secret could go wherever the other parameters, changed, point it");
        (await resent.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("parameters[0].value")[0].GetString()
            .Should().Contain("how the value of the secret sourceFilePath shows, not a value: give the value itself");
        run.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await run.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("parameters[0].value")[0].GetString()
            .Should().Contain("give the value itself");
        var jobId = (await (await client.PostAsync($"/api/schedules/{id}/trigger", null)).Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        (await client.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed", "the refused request left the schedule and its secret as they were");
        (await client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}")).Text("cron").Should().Be("0 2 * * *");
    }

    [Fact]
    public async Task Delete_removes_the_schedule_and_then_it_is_unknown_everywhere()
    {
        using var client = await stack.App.LoginAsync();
        var id = NewId();
        (await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly("in/orders.csv"))).EnsureSuccessStatusCode();

        (await client.DeleteAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NoContent);

        (await client.GetAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.DeleteAsync($"/api/schedules/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.PostAsync($"/api/schedules/{id}/trigger", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM hangfire.set WHERE key = 'recurring-jobs' AND value = '{id}'"))
            .Should().Be(0);
    }

    [Fact]
    public async Task A_schedule_deleted_from_the_dashboard_has_its_secret_values_released_by_the_next_sweep()
    {
        using var client = await stack.App.LoginAsync();
        var (name, folder) = await SecretPathWorkflowAsync(client);
        var id = NewId();
        var kept = NewId();
        (await client.PutAsJsonAsync($"/api/schedules/{id}", Nightly($"in/{folder}/orders.csv") with { Workflow = name })).EnsureSuccessStatusCode();
        (await client.PutAsJsonAsync($"/api/schedules/{kept}", Nightly($"in/{folder}/orders.csv") with { Workflow = name })).EnsureSuccessStatusCode();
        var released = $"SELECT count(*) FROM scheduler.secret_values WHERE owner = 'schedule:{{0}}' AND released_at IS NOT NULL";

        // What the Delete button of Hangfire's Recurring jobs page does.
        stack.App.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists(id);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, string.Format(CultureInfo.InvariantCulture, released, id))).Should().Be(0);
        await stack.App.Services.GetRequiredService<ScheduleLeftoverSweep>().SweepAsync(CancellationToken.None);

        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, string.Format(CultureInfo.InvariantCulture, released, id))).Should().Be(1);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, string.Format(CultureInfo.InvariantCulture, released, kept))).Should().Be(0, "that schedule is still there");
        stack.App.LogLines.Should().Contain(line => line.Contains($"Schedule {id} is gone", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Schedules_need_a_signed_in_user()
    {
        using var anonymous = stack.App.CreateClient();

        (await anonymous.GetAsync("/api/schedules")).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.PutAsJsonAsync($"/api/schedules/{NewId()}", Nightly("in/orders.csv"))).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await anonymous.PostAsync($"/api/schedules/{NewId()}/trigger", null)).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    private static async Task<string> WaitForFirstRunAsync(HttpClient client, string id)
    {
        var schedule = await Eventually.GetAsync(
            cancellation => client.GetFromJsonAsync<JsonElement>($"/api/schedules/{id}", cancellation),
            schedule => schedule.Text("lastJobId") is not null,
            $"the schedule {id} to make a job");
        return schedule.Text("lastJobId")!;
    }

    /// <summary>A workflow of its own whose source path is a secret variable, and a folder of its own on the FTP server holding the orders file.</summary>
    private async Task<(string Workflow, string Folder)> SecretPathWorkflowAsync(HttpClient client)
    {
        var name = DefinitionsClient.UniqueName("scheduled-secret");
        var workflow = DefinitionsClient.SampleWorkflow("orders-import", name);
        workflow["variables"]![0]!["secret"] = true;
        await client.PutWorkflowAsync(workflow);
        var folder = $"secret{Guid.NewGuid():N}";
        stack.Ftp.WriteFile($"in/{folder}/orders.csv", File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv"))));
        return (name, folder);
    }

    private static string NewId() => "test-" + Guid.NewGuid().ToString("N")[..12];

    private static ScheduleBody Nightly(string sourceFilePath) =>
        new("orders-import", "0 2 * * *", "Europe/Berlin", [Parameter("Variables", "sourceFilePath", sourceFilePath)], null);

    private sealed record ScheduleBody(string Workflow, string Cron, string? TimeZone, object[] Parameters, bool? Enabled);
}

using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.DefinitionsClient;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>Listing, cancelling, retrying and reading the log of jobs, idempotent run requests and secret parameters, on real PostgreSQL and FTP.</summary>
public sealed class JobControlTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task Jobs_are_listed_newest_first_filtered_by_workflow_and_status_with_paging_and_a_total()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("listed");
        await client.PutWorkflowAsync(SampleWorkflow("orders-import", name));
        var ids = new List<string>();
        foreach (var path in new[] { stack.UploadOrders(), "in/missing.csv", stack.UploadOrders() })
        {
            ids.Add(await client.StartAsync(name, Parameter("Variables", "sourceFilePath", path)));
            await client.WaitForEndAsync(ids[^1]);
        }

        var page = await client.GetFromJsonAsync<JsonElement>($"/api/jobs?workflow={name}&limit=2");
        var next = await client.GetFromJsonAsync<JsonElement>($"/api/jobs?workflow={name}&limit=2&offset=2");
        var failed = await client.GetFromJsonAsync<JsonElement>($"/api/jobs?workflow={name}&status=failed");
        var future = await client.GetFromJsonAsync<JsonElement>($"/api/jobs?workflow={name}&createdFrom={Uri.EscapeDataString(DateTimeOffset.UtcNow.AddHours(1).ToString("O", CultureInfo.InvariantCulture))}");

        page.GetProperty("total").GetInt64().Should().Be(3);
        page.GetProperty("jobs").EnumerateArray().Select(j => j.Text("jobId")).Should().Equal(ids[2], ids[1]);
        next.GetProperty("jobs").EnumerateArray().Select(j => j.Text("jobId")).Should().Equal(ids[0]);
        failed.GetProperty("jobs").EnumerateArray().Select(j => j.Text("jobId")).Should().Equal(ids[1]);
        failed.GetProperty("jobs")[0].Text("error").Should().NotBeNullOrEmpty();
        future.GetProperty("total").GetInt64().Should().Be(0);
    }

    [Fact]
    public async Task Bad_or_unknown_list_filters_are_refused_naming_each_one()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.GetAsync("/api/jobs?status=Exploded&limit=0&createdTo=yesterday&limt=5&from=2026-01-01");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("status")[0].GetString().Should().Contain("Completed");
        errors.GetProperty("limit")[0].GetString().Should().Contain("500");
        errors.GetProperty("createdTo")[0].GetString().Should().Contain("ISO 8601");
        errors.GetProperty("limt")[0].GetString().Should().Contain("status, workflow, createdFrom, createdTo, limit, offset");
        errors.GetProperty("from")[0].GetString().Should().Contain("is not a name the job list takes");
        (await client.GetAsync("/api/jobs?STATUS=Completed&Limit=5")).StatusCode.Should().Be(HttpStatusCode.OK, "names are case-insensitive, as ASP.NET reads them");
        var unnamed = await client.GetAsync("/api/jobs?=x&query=y");
        unnamed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await unnamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("query").GetArrayLength().Should().Be(2);
    }

    [Fact]
    public async Task A_failed_job_is_retried_as_a_new_job_linked_to_it_and_a_completed_one_cannot_be()
    {
        using var client = await stack.App.LoginAsync();
        var remote = $"in/{Guid.NewGuid():N}/late.csv";
        var failedId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", remote));
        (await client.WaitForEndAsync(failedId)).Text("status").Should().Be("Failed");
        stack.Ftp.WriteFile(remote, File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv"))));

        var retry = await client.PostAsync($"/api/jobs/{failedId}/retry", null);

        retry.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var retryId = (await retry.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        retryId.Should().NotBe(failedId);
        var details = await client.WaitForEndAsync(retryId);
        details.Text("status").Should().Be("Completed", details.ToString());
        details.Text("retryOf").Should().Be(failedId);
        details.GetProperty("parameters")[0].Text("value").Should().Be(remote);
        var again = await client.PostAsync($"/api/jobs/{retryId}/retry", null);
        again.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await again.Content.ReadAsStringAsync()).Should().Contain("Completed");
        (await client.PostAsync("/api/jobs/999999999/retry", null)).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Cancelling_a_finished_job_is_a_conflict()
    {
        using var client = await stack.App.LoginAsync();
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        await client.WaitForEndAsync(jobId);

        var response = await client.PostAsync($"/api/jobs/{jobId}/cancel", null);

        response.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await response.Content.ReadAsStringAsync()).Should().Contain("already ended");
        (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status")).Text("status").Should().Be("Completed");
    }

    [Fact]
    public async Task A_cancelled_load_says_Cancelling_until_it_stops_and_then_either_rolled_back_or_committed_whole()
    {
        using var client = await stack.App.LoginAsync();
        const int FirstId = 50_000_000;
        const int Rows = 3_000_000;
        var remote = $"in/{Guid.NewGuid():N}/big.csv";
        stack.Ftp.WriteFile(remote, LargeOrdersFile(FirstId, Rows));
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", remote));
        await WaitUntilAsync(client, jobId, d => d.Step("RunDataflow1").Text("status") == "Running" || d.Text("finishedAt") is not null, "its load to run");

        // Holding the step table keeps the job from recording its end, wherever its load is, so that "Cancelling" can
        // be seen for sure; the load itself goes on and meets the cancel before or after its COMMIT.
        JsonElement whileStopping, listed, status;
        HttpResponseMessage cancel;
        await using (await stack.HoldAsync(stack.SchedulerDatabase, "scheduler.job_steps"))
        {
            cancel = await client.PostAsync($"/api/jobs/{jobId}/cancel", null);
            whileStopping = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
            listed = (await client.GetFromJsonAsync<JsonElement>("/api/jobs?status=Cancelling&limit=500")).GetProperty("jobs");
            status = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status");
        }

        cancel.StatusCode.Should().Be(HttpStatusCode.Accepted, await cancel.Content.ReadAsStringAsync());
        (await cancel.Content.ReadFromJsonAsync<JsonElement>()).Text("status").Should().Be("Cancelling");
        whileStopping.Text("status").Should().Be("Cancelling", whileStopping.ToString());
        whileStopping.Text("finishedAt").Should().BeNull();
        listed.EnumerateArray().Should().ContainSingle(j => j.Text("jobId") == jobId);
        status.Text("status").Should().Be("Cancelling");
        var details = await client.WaitForEndAsync(jobId);
        var tableExists = await stack.ScalarAsync<bool>(stack.WarehouseDatabase, "SELECT to_regclass('public.orders') IS NOT NULL");
        var loaded = tableExists ? await stack.ScalarAsync<long>(stack.WarehouseDatabase, $"SELECT count(*) FROM orders WHERE id >= {FirstId}") : 0;
        var load = details.Step("RunDataflow1");
        if (details.Text("status") == "Cancelled")
        {
            load.Text("status").Should().Be("Cancelled", details.ToString());
            loaded.Should().Be(0);
        }
        else
        {
            details.Text("status").Should().Be("Completed", details.ToString());
            load.Text("status").Should().Be("Completed");
            load.GetProperty("outputs").GetProperty("rowsWritten").GetInt64().Should().Be(Rows);
            loaded.Should().Be(Rows);
            (await client.GetStringAsync($"/api/jobs/{jobId}/log")).Should().Contain("The cancel came too late");
        }

        details.Text("finishedAt").Should().NotBeNull();
        (await client.PostAsync($"/api/jobs/{jobId}/cancel", null)).StatusCode.Should().Be(HttpStatusCode.Conflict);
    }

    [Fact]
    public async Task The_same_idempotency_key_returns_the_first_job_and_with_another_body_is_a_conflict()
    {
        using var client = await stack.App.LoginAsync();
        var key = Guid.NewGuid().ToString();
        var remote = stack.UploadOrders();

        var first = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));
        var repeated = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", remote));
        var different = await client.RunWithKeyAsync(key, "orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));

        first.StatusCode.Should().Be(HttpStatusCode.Accepted);
        repeated.StatusCode.Should().Be(HttpStatusCode.OK);
        var firstId = (await first.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId");
        (await repeated.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId").Should().Be(firstId);
        different.StatusCode.Should().Be(HttpStatusCode.Conflict);
        (await different.Content.ReadAsStringAsync()).Should().Contain("different request");
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, $"SELECT count(*) FROM scheduler.idempotency_keys WHERE key = '{key}' AND job_id = '{firstId}'")).Should().Be(1);
    }

    [Fact]
    public async Task A_run_sent_again_with_its_idempotency_key_after_a_lost_answer_makes_one_job()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("retried");
        await client.PutWorkflowAsync(SampleWorkflow("orders-import", name));
        var key = Guid.NewGuid().ToString();
        var remote = stack.UploadOrders();

        // The client never reads this answer, as when the connection drops after the job was made.
        (await client.RunWithKeyAsync(key, name, Parameter("Variables", "sourceFilePath", remote))).Dispose();
        using var retried = await client.RunWithKeyAsync(key, name, Parameter("Variables", "sourceFilePath", remote));

        retried.StatusCode.Should().Be(HttpStatusCode.OK);
        var jobId = (await retried.Content.ReadFromJsonAsync<JsonElement>()).Text("jobId")!;
        var listed = await client.GetFromJsonAsync<JsonElement>($"/api/jobs?workflow={name}");
        listed.GetProperty("total").GetInt64().Should().Be(1);
        listed.GetProperty("jobs")[0].Text("jobId").Should().Be(jobId);
    }

    [Fact]
    public async Task The_job_log_lists_lines_per_step_with_timestamps()
    {
        using var client = await stack.App.LoginAsync();
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        await client.WaitForEndAsync(jobId);

        var log = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/log");

        var lines = log.GetProperty("lines").EnumerateArray().ToList();
        lines.Should().NotBeEmpty();
        lines.Select(l => l.Text("step")).Should().Contain(["FileTransferTask1", "RunDataflow1"]);
        lines.Should().OnlyContain(l => l.GetProperty("timestamp").GetDateTimeOffset() > DateTimeOffset.UtcNow.AddMinutes(-5));
        (await client.GetAsync("/api/jobs/999999999/log")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_secret_parameter_reaches_the_worker_but_is_masked_in_details_list_log_dashboard_and_job_arguments()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("secretive");
        var workflow = SampleWorkflow("orders-import", name);
        workflow["variables"]![0]!["secret"] = true;
        await client.PutWorkflowAsync(workflow);
        var folder = $"secret{Guid.NewGuid():N}";
        var remote = $"in/{folder}/orders.csv";
        stack.Ftp.WriteFile(remote, File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv"))));

        var jobId = await client.StartAsync(name, Parameter("Variables", "sourceFilePath", remote));
        var details = await client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", "the worker got the real path: " + details);
        details.GetProperty("parameters")[0].Text("value").Should().Be("***");
        details.ToString().Should().NotContain(folder);
        (await client.GetStringAsync($"/api/jobs?workflow={name}")).Should().Contain("***").And.NotContain(folder);
        (await client.GetStringAsync($"/api/jobs/{jobId}/log")).Should().NotContain(folder);
        using var dashboard = await stack.App.SignedInAsync("admin", SchedulerApp.AdminPassword);
        (await dashboard.GetStringAsync($"/hangfire/jobs/details/{jobId}")).Should().Contain("id=\"workflow-log\"").And.NotContain(folder);
        var arguments = await stack.ScalarAsync<string>(stack.SchedulerDatabase, $"SELECT arguments::text FROM hangfire.job WHERE id = {jobId}");
        arguments.Should().Contain(name).And.NotContain(folder);
        (await stack.ScalarAsync<string>(stack.SchedulerDatabase, $"SELECT parameters::text FROM scheduler.job_runs WHERE job_id = '{jobId}'")).Should().NotContain(folder);
    }

    private static Task<JsonElement> WaitUntilAsync(HttpClient client, string jobId, Func<JsonElement, bool> condition, string what) =>
        Eventually.GetAsync(
            cancellation => client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}", cancellation),
            details => details.GetProperty("steps").GetArrayLength() > 0 && condition(details),
            $"job {jobId}: {what}");

    internal static string LargeOrdersFile(int firstId, int rows)
    {
        var csv = new StringBuilder("id,customer,email,amount,created_at,country,active,note\n", rows * 90);
        for (var i = 0; i < rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{firstId + i},Customer {i},c{i}@example.com,{i % 1000}.50,2026-03-01T10:15:00+01:00,FR,true,bulk\n");
        }

        return csv.ToString();
    }
}

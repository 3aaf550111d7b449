using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>Log in, run orders-import with a parameter, poll, read the details: on real PostgreSQL and a real FTP server.</summary>
public sealed class CanonicalScenarioTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task Orders_file_from_FTP_is_loaded_into_the_orders_table_and_bad_rows_are_rejected_with_reasons()
    {
        await stack.ExecuteAsync(stack.WarehouseDatabase, "DROP TABLE IF EXISTS orders");
        var remote = stack.UploadOrders();
        using var client = await stack.App.LoginAsync();

        var response = await client.RunAsync("orders-import", Parameter("Variables", "sourceFilePath", remote));

        response.StatusCode.Should().Be(HttpStatusCode.Accepted);
        var accepted = await response.Content.ReadFromJsonAsync<JsonElement>();
        var jobId = accepted.GetProperty("jobId").GetString()!;
        accepted.GetProperty("status").GetString().Should().Be("Queued");
        response.Headers.Location!.ToString().Should().Be($"/api/jobs/{jobId}");

        var details = await client.WaitForEndAsync(jobId);
        details.Text("status").Should().Be("Completed", details.ToString());
        details.Text("workflow").Should().Be("orders-import");
        details.GetProperty("parameters")[0].Text("value").Should().Be(remote);
        details.Text("startedAt").Should().NotBeNull();
        details.Text("finishedAt").Should().NotBeNull();

        var download = details.Step("FileTransferTask1");
        download.Text("status").Should().Be("Completed");
        download.Text("type").Should().Be("FileTransfer");
        var localPath = download.GetProperty("outputs").Text("localPath")!;
        localPath.Should().StartWith(Path.Combine(stack.App.WorkingDirectory, jobId));
        File.Exists(localPath).Should().BeTrue();

        var load = details.Step("RunDataflow1").GetProperty("outputs");
        details.Step("RunDataflow1").Text("status").Should().Be("Completed");
        load.GetProperty("rowsRead").GetInt64().Should().Be(22);
        load.GetProperty("rowsWritten").GetInt64().Should().Be(20);
        load.GetProperty("rowsRejected").GetInt64().Should().Be(2);
        var rejected = File.ReadAllText(load.Text("rejectedRowsPath")!);
        rejected.Should().Contain("amount").And.Contain("abc").And.Contain("1011");

        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM orders")).Should().Be(20);
        (await stack.ScalarAsync<decimal>(stack.WarehouseDatabase, "SELECT amount FROM orders WHERE id = 1007")).Should().Be(1999.99m);
        (await stack.ScalarAsync<string>(stack.WarehouseDatabase, "SELECT customer FROM orders WHERE id = 1002")).Should().Be("Schmidt, Johann");
        (await stack.ScalarAsync<DateTime>(stack.WarehouseDatabase, "SELECT created_at FROM orders WHERE id = 1001"))
            .Should().Be(new DateTime(2026, 3, 1, 9, 15, 0, DateTimeKind.Utc));
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM orders WHERE note IS NULL")).Should().BeGreaterThan(0);
    }

    [Fact]
    public async Task A_table_given_as_a_parameter_is_loaded_as_a_quoted_name_and_never_runs_as_SQL()
    {
        const string table = "orders_\"; DROP TABLE victim; --";
        await stack.ExecuteAsync(stack.WarehouseDatabase, "CREATE TABLE IF NOT EXISTS victim (id integer)");
        using var client = await stack.App.LoginAsync();
        var workflow = DefinitionsClient.SampleWorkflow("orders-import", DefinitionsClient.UniqueName("orders-to"));
        workflow["tasks"]![1]!["overridable"] = new JsonArray("table");
        await client.PutWorkflowAsync(workflow);

        var details = await client.WaitForEndAsync(await client.StartAsync(
            workflow["name"]!.GetValue<string>(), Parameter("Variables", "sourceFilePath", stack.UploadOrders()), Parameter("RunDataflow1", "table", table)));

        details.Text("status").Should().Be("Completed", details.ToString());
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM \"orders_\"\"; DROP TABLE victim; --\"")).Should().Be(20);
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM victim")).Should().Be(0, "the victim table is still there");
    }

    [Fact]
    public async Task Status_answers_on_both_routes_with_the_Hangfire_state()
    {
        using var client = await stack.App.LoginAsync();
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        await client.WaitForEndAsync(jobId);

        // The engine records Completed as the workflow ends; Hangfire's Succeeded follows in the worker's next write.
        var plural = await Eventually.GetAsync(
            cancellationToken => client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status", cancellationToken),
            status => status.Text("state") == "Succeeded",
            $"job {jobId}'s Hangfire state to be Succeeded");
        var legacy = await client.GetFromJsonAsync<JsonElement>($"/api/Job/{jobId}/Status");

        plural.Text("jobId").Should().Be(jobId);
        plural.Text("status").Should().Be("Completed");
        legacy.ToString().Should().Be(plural.ToString());
    }

    [Fact]
    public async Task Step_records_outlive_Hangfire_expiry_of_the_job()
    {
        using var client = await stack.App.LoginAsync();
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        await client.WaitForEndAsync(jobId);

        // What Hangfire's expiration manager does to a finished job after a day.
        await stack.ExecuteAsync(stack.SchedulerDatabase, $"DELETE FROM hangfire.job WHERE id = {long.Parse(jobId, System.Globalization.CultureInfo.InvariantCulture)}");

        var details = await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        details.Text("status").Should().Be("Completed");
        details.Text("state").Should().BeNull();
        details.Step("RunDataflow1").GetProperty("outputs").GetProperty("rowsWritten").GetInt64().Should().Be(20);
    }

    [Fact]
    public async Task Secrets_never_travel_in_job_arguments_responses_or_logs()
    {
        using var client = await stack.App.LoginAsync();
        var jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        var details = await client.WaitForEndAsync(jobId);
        var failing = await client.StartAsync(
            await client.PutOrdersImportThroughAsync(ProductionStackFixture.WrongPasswordFtp), Parameter("Variables", "sourceFilePath", "in/none.csv"));
        var failed = await client.WaitForEndAsync(failing);

        var arguments = await stack.ScalarAsync<string>(stack.SchedulerDatabase, "SELECT string_agg(arguments::text, ' ') FROM hangfire.job");
        arguments.Should().Contain("orders-import").And.NotContain(stack.Ftp.Password).And.NotContain("not-the-password");
        details.ToString().Should().NotContain(stack.Ftp.Password);
        failed.ToString().Should().NotContain("not-the-password");
        string.Join('\n', stack.App.LogLines).Should().NotContain(stack.Ftp.Password).And.NotContain("not-the-password");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>A bad run request gets a problem listing every problem with the valid names, and makes no job.</summary>
public sealed class RunRequestValidationTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task Unknown_workflow_is_404_problem()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.RunAsync("no-such-workflow");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        (await response.Content.ReadAsStringAsync()).Should().Contain("no-such-workflow");
    }

    [Fact]
    public async Task Every_bad_parameter_is_listed_with_the_valid_names_and_no_job_is_created()
    {
        using var client = await stack.App.LoginAsync();
        var jobsBefore = await JobCountsAsync();

        var response = await client.RunAsync(
            "orders-import",
            Parameter("Varables", "sourceFilePath", "x"),
            Parameter("Variables", "sourcePath", "x"),
            Parameter("FileTransferTask1", "remoteFile", "x"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("parameters[0].actionName")[0].GetString().Should().Contain("Varables")
            .And.Contain("what may be set: Variables.sourceFilePath, FileTransferTask1.remotePath");
        errors.GetProperty("parameters[1].parameters")[0].GetString().Should().Contain("sourcePath").And.Contain("sourceFilePath");
        errors.GetProperty("parameters[2].parameters")[0].GetString().Should().Contain("remoteFile").And.Contain("FileTransferTask1.remotePath");
        errors.GetProperty("parameters")[0].GetString().Should().Contain("required variable 'sourceFilePath'");
        (await JobCountsAsync()).Should().Be(jobsBefore);
    }

    [Theory]
    [InlineData("RunDataflow1", "filePath", "/etc/passwd")]
    [InlineData("FileTransferTask1", "action", "Delete")]
    [InlineData("FileTransferTask1", "connection", ProductionStackFixture.WrongPasswordFtp)]
    [InlineData("RunDataflow1", "table", "victim")]
    public async Task A_task_input_the_workflow_does_not_declare_overridable_is_a_400_naming_what_may_be_set(string task, string input, string value)
    {
        using var client = await stack.App.LoginAsync();
        var jobsBefore = await JobCountsAsync();

        var response = await client.RunAsync(
            "orders-import", Parameter("Variables", "sourceFilePath", "in/orders.csv"), Parameter(task, input, value));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("parameters[1].parameters")[0].GetString().Should()
            .Contain($"{task}.{input} cannot be set by a run request").And.Contain("what may be set: Variables.sourceFilePath, FileTransferTask1.remotePath");
        (await JobCountsAsync()).Should().Be(jobsBefore);
    }

    [Fact]
    public async Task A_declared_override_of_remotePath_downloads_that_file()
    {
        using var client = await stack.App.LoginAsync();
        var remote = stack.UploadOrders();

        var details = await client.WaitForEndAsync(await client.StartAsync(
            "orders-import", Parameter("Variables", "sourceFilePath", "in/missing.csv"), Parameter("FileTransferTask1", "remotePath", remote)));

        details.Text("status").Should().Be("Completed", details.ToString());
        details.Step("FileTransferTask1").GetProperty("outputs").Text("remotePath").Should().Be(remote);
    }

    [Fact]
    public async Task Value_of_the_wrong_type_is_rejected_and_names_the_type()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.RunAsync(
            "orders-import",
            Parameter("Variables", "sourceFilePath", "in/orders.csv"),
            Parameter("FileTransferTask1", "remotePath", new[] { "a", "b" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("parameters[1].value").And.Contain("string, a number or a boolean");
    }

    [Fact]
    public async Task Malformed_body_is_a_400_problem_that_says_where()
    {
        using var client = await stack.App.LoginAsync();

        var response = await client.PostAsync("/api/jobs", new StringContent("{\"workflow\": \"orders-import\", ", Encoding.UTF8, "application/json"));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("line 1");
    }

    [Theory]
    [InlineData("999999999")]
    [InlineData("not-a-number")]
    [InlineData("1%20OR%201=1")]
    public async Task Unknown_or_malformed_job_id_is_404_never_500(string id)
    {
        using var client = await stack.App.LoginAsync();

        (await client.GetAsync($"/api/jobs/{id}/status")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/Job/{id}/Status")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/jobs/{id}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private async Task<(long Hangfire, long Records)> JobCountsAsync() =>
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM hangfire.job"),
         await stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM scheduler.job_runs"));
}

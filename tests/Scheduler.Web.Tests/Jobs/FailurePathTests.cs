using System.Text.Json;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>A job that fails says which step, which row or file, and why; and it never leaves half a result behind.</summary>
public sealed class FailurePathTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task Missing_remote_file_fails_the_download_step_names_the_file_and_skips_the_load()
    {
        using var client = await stack.App.LoginAsync();

        var details = await RunAsync(client, Parameter("Variables", "sourceFilePath", "in/missing/orders.csv"));

        details.Text("status").Should().Be("Failed");
        details.Text("error").Should().Contain("FileTransferTask1").And.Contain("in/missing/orders.csv");
        details.Step("FileTransferTask1").Text("status").Should().Be("Failed");
        details.Step("FileTransferTask1").Text("error").Should().Contain("in/missing/orders.csv");
        details.Step("RunDataflow1").Text("status").Should().Be("Skipped");
        LeftFiles(details).Should().BeEmpty();
    }

    [Fact]
    public async Task Refused_login_fails_the_job_with_a_message_naming_the_server()
    {
        using var client = await stack.App.LoginAsync();

        var workflow = await client.PutOrdersImportThroughAsync(ProductionStackFixture.WrongPasswordFtp);

        var details = await client.WaitForEndAsync(await client.StartAsync(workflow, Parameter("Variables", "sourceFilePath", stack.UploadOrders())));

        details.Text("status").Should().Be("Failed");
        details.Step("FileTransferTask1").Text("error").Should().Contain(stack.Ftp.Host).And.Contain(stack.Ftp.Username);
        LeftFiles(details).Should().BeEmpty();
    }

    [Fact]
    public async Task Unreachable_server_fails_the_job_with_a_message_naming_the_server()
    {
        using var client = await stack.App.LoginAsync();

        var workflow = await client.PutOrdersImportThroughAsync(ProductionStackFixture.UnreachableFtp);

        var details = await client.WaitForEndAsync(await client.StartAsync(workflow, Parameter("Variables", "sourceFilePath", "in/orders.csv")));

        details.Text("status").Should().Be("Failed");
        details.Step("FileTransferTask1").Text("error").Should().Contain("127.0.0.1");
        LeftFiles(details).Should().BeEmpty();
    }

    [Theory]
    [InlineData("../outside.csv")]
    [InlineData("in/../../outside.csv")]
    public async Task Remote_path_that_would_write_outside_the_job_folder_is_refused(string remotePath)
    {
        using var client = await stack.App.LoginAsync();

        var details = await RunAsync(client, Parameter("Variables", "sourceFilePath", remotePath));

        details.Text("status").Should().Be("Failed");
        details.Step("FileTransferTask1").Text("error").Should().Contain("..");
        File.Exists(Path.Combine(stack.App.WorkingDirectory, "outside.csv")).Should().BeFalse();
    }

    [Fact]
    public async Task More_bad_rows_than_maxErrors_fails_the_job_names_the_row_and_commits_nothing()
    {
        await stack.ExecuteAsync(stack.WarehouseDatabase, "DROP TABLE IF EXISTS orders");
        using var client = await stack.App.LoginAsync();
        (await RunAsync(client, Parameter("Variables", "sourceFilePath", stack.UploadOrders()))).Text("status").Should().Be("Completed");
        var rows = Enumerable.Range(1, 11).Select(i => $"{i},Customer {i},c{i}@example.com,not-a-number,2026-03-01T10:00:00Z,FR,true,");
        var good = "100,Good Customer,good@example.com,10.00,2026-03-01T10:00:00Z,FR,true,";
        var remote = stack.UploadOrders(string.Join('\n', rows.Prepend(good).Prepend("id,customer,email,amount,created_at,country,active,note")) + "\n");

        var details = await RunAsync(client, Parameter("Variables", "sourceFilePath", remote));

        details.Text("status").Should().Be("Failed");
        var error = details.Step("RunDataflow1").Text("error");
        error.Should().Contain("maxErrors").And.Contain("line 3").And.Contain("amount").And.Contain("not-a-number");
        details.Text("error").Should().Contain("RunDataflow1");
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM orders")).Should().Be(20, "the good row of the failed file is not committed");
    }

    private static async Task<JsonElement> RunAsync(HttpClient client, params object[] parameters) =>
        await client.WaitForEndAsync(await client.StartAsync("orders-import", parameters));

    private IEnumerable<string> LeftFiles(JsonElement details)
    {
        var folder = Path.Combine(stack.App.WorkingDirectory, details.Text("jobId")!);
        return Directory.Exists(folder) ? Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories) : [];
    }
}

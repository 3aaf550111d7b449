using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Definitions;

/// <summary>The samples a newcomer runs first work as the documentation says, with no external service.</summary>
public sealed class SampleWorkflowTests
{
    [Fact]
    public async Task A_sample_naming_a_connection_this_node_lacks_is_imported_as_invalid_with_that_problem()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["Scheduler:WorkerCount"] = "0",
            ["Connections:Outbox:Type"] = "Local",
            ["Connections:Outbox:Path"] = SchedulerApp.RepositoryFolder(Path.Combine("samples", "data")),
        }));
        using var client = await app.LoginAsync();

        var workflows = await client.GetFromJsonAsync<JsonElement>("/api/workflows");
        var dataflows = await client.GetFromJsonAsync<JsonElement>("/api/dataflows");

        var ordersImport = workflows.EnumerateArray().Single(w => w.Text("name") == "orders-import");
        ordersImport.GetProperty("valid").GetBoolean().Should().BeFalse();
        ordersImport.GetProperty("problems").EnumerateArray().Should().Contain(p =>
            p.Text("path") == "$.tasks[0].inputs.connection" && p.Text("message")!.Contains("'OrdersFtp' is not configured", StringComparison.Ordinal));
        dataflows.EnumerateArray().Single(d => d.Text("name") == "orders-to-postgres").GetProperty("problems").EnumerateArray()
            .Should().Contain(p => p.Text("path") == "$.destination.connection" && p.Text("message")!.Contains("Warehouse", StringComparison.Ordinal));
        workflows.EnumerateArray().Where(w => w.Text("name") is "local-orders-import" or "orders-import-checked" or "local-orders-xlsx-import")
            .Should().HaveCount(3).And.OnlyContain(w => w.GetProperty("valid").GetBoolean());
    }

    [Fact]
    public async Task The_checked_import_archives_in_parallel_publishes_rejected_rows_and_skips_the_error_path()
    {
        var outbox = Directory.CreateTempSubdirectory("scheduler-outbox-").FullName;
        try
        {
            await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
            {
                ["Connections:Outbox:Type"] = "Local",
                ["Connections:Outbox:Path"] = outbox,
            }));
            using var client = await app.LoginAsync();

            var details = await client.WaitForEndAsync(await client.StartAsync("orders-import-checked"));

            details.Text("status").Should().Be("Completed", details.ToString());
            details.Step("Download").Text("status").Should().Be("Completed");
            details.Step("Archive").Text("status").Should().Be("Completed");
            details.Step("Load").GetProperty("outputs").GetProperty("rowsRejected").GetInt64().Should().Be(2);
            details.Step("AnyRejected").GetProperty("outputs").GetProperty("result").GetBoolean().Should().BeTrue();
            details.Step("PublishRejected").Text("status").Should().Be("Completed");
            details.Step("Quarantine").Text("status").Should().Be("Skipped");
            details.GetProperty("outputs").GetProperty("rowsLoaded").GetInt64().Should().Be(20);
            File.Exists(Path.Combine(outbox, "archive-orders.csv")).Should().BeTrue();
            File.ReadAllText(Path.Combine(outbox, "rejected-orders.csv")).Should().Contain("abc");
            File.Exists(Path.Combine(outbox, "failed-orders.csv")).Should().BeFalse();
        }
        finally
        {
            Directory.Delete(outbox, recursive: true);
        }
    }

    [Fact]
    public async Task A_wildcard_download_runs_the_dataflow_once_per_file_and_sums_the_counts()
    {
        var inbox = Directory.CreateTempSubdirectory("scheduler-inbox-").FullName;
        try
        {
            var header = "id,customer,email,amount,created_at,country,active,note\n";
            File.WriteAllText(Path.Combine(inbox, "a.csv"), header + "1,Ann,a@example.com,1.50,2026-03-01T10:00:00+01:00,FR,true,\n");
            File.WriteAllText(Path.Combine(inbox, "b.csv"), header + "2,Bob,b@example.com,2.50,2026-03-01T11:00:00+01:00,DE,false,\nx,Bad,,,,,,\n");
            File.WriteAllText(Path.Combine(inbox, "c.txt"), "not matched");
            await using var app = new SchedulerApp(new Dictionary<string, string?>
            {
                ["Connections:Inbox:Type"] = "Local",
                ["Connections:Inbox:Path"] = inbox,
            });
            using var client = await app.LoginAsync();
            var name = DefinitionsClient.UniqueName("each-file");
            await client.PutWorkflowAsync(JsonNode.Parse($$"""
                {
                  "name": "{{name}}",
                  "tasks": [
                    { "name": "Download", "type": "FileTransfer", "inputs": { "action": "Download", "connection": "Inbox", "remotePath": "*.csv" } },
                    { "name": "Load", "type": "RunDataflow", "inputs": { "dataflow": "orders-to-csv", "filePath": "${Download.localPaths}" } }
                  ]
                }
                """)!.AsObject());

            var details = await client.WaitForEndAsync(await client.StartAsync(name));

            details.Text("status").Should().Be("Completed", details.ToString());
            var outputs = details.Step("Load").GetProperty("outputs");
            outputs.GetProperty("filesProcessed").GetInt64().Should().Be(2);
            outputs.GetProperty("rowsRead").GetInt64().Should().Be(3);
            outputs.GetProperty("rowsWritten").GetInt64().Should().Be(2);
            outputs.GetProperty("rowsRejected").GetInt64().Should().Be(1);
            var written = outputs.GetProperty("outputPaths").EnumerateArray().Select(p => p.GetString()!).ToList();
            written.Should().HaveCount(2).And.OnlyHaveUniqueItems();
            written.Select(File.ReadAllText).Should().ContainSingle(text => text.Contains("Ann")).And.ContainSingle(text => text.Contains("Bob"));
            outputs.GetProperty("rejectedRowsPaths").EnumerateArray().Should().ContainSingle()
                .Which.GetString().Should().Be(outputs.GetProperty("rejectedRowsPath").GetString());
        }
        finally
        {
            Directory.Delete(inbox, recursive: true);
        }
    }

    [Fact]
    public async Task The_Excel_sample_reads_the_sample_workbook_and_a_file_that_is_no_workbook_fails_its_step_saying_why()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();

        var workbook = await client.WaitForEndAsync(await client.StartAsync("local-orders-xlsx-import"));
        var notAWorkbook = await client.WaitForEndAsync(await client.StartAsync("local-orders-xlsx-import", Parameter("Variables", "sourceFilePath", "orders.csv")));

        workbook.Text("status").Should().Be("Completed", workbook.ToString());
        var outputs = workbook.Step("ReadSheet").GetProperty("outputs");
        outputs.GetProperty("rowsWritten").GetInt64().Should().Be(20);
        outputs.GetProperty("rowsRejected").GetInt64().Should().Be(0);
        notAWorkbook.Text("status").Should().Be("Failed");
        notAWorkbook.Text("error").Should().StartWith("ReadSheet failed: The workbook '").And.Contain("orders.csv' cannot be read as .xlsx: ");
    }

    [Fact]
    public async Task A_table_the_sample_does_not_declare_overridable_is_refused_before_a_job_is_made()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();

        var response = await client.RunAsync(
            "local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"), Parameter("RunDataflow1", "table", "orders_copy"));

        response.StatusCode.Should().Be(System.Net.HttpStatusCode.BadRequest);
        (await response.Content.ReadAsStringAsync()).Should().Contain("RunDataflow1.table cannot be set by a run request").And.Contain("what may be set: Variables.sourceFilePath");
    }
}

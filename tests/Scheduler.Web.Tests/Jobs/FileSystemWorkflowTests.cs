using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>The FileSystem task in a served workflow: a download archived to a Local connection, and its checks on save.</summary>
public sealed class FileSystemWorkflowTests : IDisposable
{
    private readonly string _archive = Directory.CreateTempSubdirectory("scheduler-archive-").FullName;

    public void Dispose() => Directory.Delete(_archive, recursive: true);

    [Fact]
    public async Task A_downloaded_file_is_imported_then_moved_out_of_the_job_folder_into_the_archive()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["Connections:Archive:Type"] = "Local",
            ["Connections:Archive:Path"] = _archive,
        }));
        using var client = await app.LoginAsync();
        var workflow = DefinitionsClient.SampleWorkflow("local-orders-import", DefinitionsClient.UniqueName("archived"));
        workflow["tasks"]!.AsArray().Add(new JsonObject
        {
            ["name"] = "Archive",
            ["type"] = "FileSystem",
            ["dependsOn"] = new JsonArray("RunDataflow1"),
            ["inputs"] = new JsonObject
            {
                ["action"] = "Move",
                ["path"] = "${FileTransferTask1.localPath}",
                ["targetConnection"] = "Archive",
                ["target"] = ".",
            },
        });
        await client.PutWorkflowAsync(workflow);

        var details = await client.WaitForEndAsync(await client.StartAsync(workflow["name"]!.GetValue<string>()));

        details.Text("status").Should().Be("Completed", details.ToString());
        var downloaded = details.Step("FileTransferTask1").GetProperty("outputs").GetProperty("localPath").GetString()!;
        var archived = details.Step("Archive").GetProperty("outputs");
        archived.GetProperty("count").GetInt64().Should().Be(1);
        archived.GetProperty("files")[0].GetString().Should().Be(Path.Combine(_archive, "orders.csv"));
        File.Exists(downloaded).Should().BeFalse("the download was moved");
        (await File.ReadAllTextAsync(Path.Combine(_archive, "orders.csv")))
            .Should().Be(await File.ReadAllTextAsync(SchedulerApp.RepositoryFolder(Path.Combine("samples", "data", "orders.csv"))));
    }

    [Fact]
    public async Task A_FileSystem_task_with_an_unknown_action_or_a_Move_without_target_is_refused_on_save_at_its_inputs()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();
        var name = DefinitionsClient.UniqueName("fs-bad");
        var workflow = new JsonObject
        {
            ["name"] = name,
            ["tasks"] = new JsonArray(
                new JsonObject { ["name"] = "Zip", ["type"] = "FileSystem", ["inputs"] = new JsonObject { ["action"] = "Zip", ["path"] = "a.csv" } },
                new JsonObject { ["name"] = "Move", ["type"] = "FileSystem", ["inputs"] = new JsonObject { ["action"] = "Move", ["path"] = "*.csv" } }),
        };

        var errors = await ErrorsOf(await client.PutDefinitionAsync("workflows", name, workflow.ToJsonString()));

        errors.GetProperty("$.tasks[0].inputs")[0].GetString().Should().Be(
            "the action 'Zip' is not supported; supported: Copy, Move, Delete, CreateFolder");
        errors.GetProperty("$.tasks[1].inputs")[0].GetString().Should().Be("the action 'Move' needs the input 'target'");
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>Files a job reads or writes stay in its folder, even where the workflow lets a run request choose them.</summary>
public sealed class PathContainmentTests
{
    [Theory]
    [InlineData("/etc/passwd")]
    [InlineData("../../../../../../etc/passwd")]
    public async Task A_declared_filePath_outside_the_job_folder_fails_the_load_without_quoting_the_file(string filePath)
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();
        var workflow = DefinitionsClient.SampleWorkflow("local-orders-import", DefinitionsClient.UniqueName("any-file"));
        workflow["tasks"]![1]!["overridable"] = new JsonArray("filePath");
        await client.PutWorkflowAsync(workflow);

        var details = await client.WaitForEndAsync(await client.StartAsync(
            workflow["name"]!.GetValue<string>(), Parameter("RunDataflow1", "filePath", filePath)));

        details.Text("status").Should().Be("Failed");
        details.Step("RunDataflow1").Text("error").Should().Contain("outside the job's folder").And.Contain(filePath);
        details.ToString().Should().NotContain("root:");
        (await client.GetStringAsync($"/api/jobs/{details.Text("jobId")}/log")).Should().NotContain("root:");
    }

    [Theory]
    [InlineData("CsvFile", "/tmp/x.csv", "is absolute")]
    [InlineData("JsonLinesFile", "../x.jsonl", "goes up with '..'")]
    public async Task A_file_destination_outside_the_job_folder_is_refused_when_saved(string type, string path, string reason)
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();
        var dataflow = JsonNode.Parse(File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "dataflows", "orders-to-csv.json"))))!.AsObject();
        var name = DefinitionsClient.UniqueName("escape");
        dataflow["name"] = name;
        dataflow["destination"] = new JsonObject { ["type"] = type, ["path"] = path };

        var response = await client.PutDefinitionAsync("dataflows", name, dataflow.ToJsonString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("$.destination.path")[0].GetString().Should().Contain(reason);
        (await client.GetAsync($"/api/dataflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }
}

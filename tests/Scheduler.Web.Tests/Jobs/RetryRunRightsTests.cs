using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>A retry sets only what the workflow lets a run request set now, not what it allowed when the job ran.</summary>
public sealed class RetryRunRightsTests
{
    [Fact]
    public async Task A_retry_whose_override_the_workflow_no_longer_declares_is_refused_and_names_what_may_be_set()
    {
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles());
        using var client = await app.LoginAsync();
        var workflow = DefinitionsClient.SampleWorkflow("local-orders-import", DefinitionsClient.UniqueName("retry-rights"));
        var name = workflow["name"]!.GetValue<string>();
        workflow["tasks"]![0]!["overridable"] = new JsonArray("remotePath");
        await client.PutWorkflowAsync(workflow);
        var failed = await client.WaitForEndAsync(await client.StartAsync(name, Parameter("FileTransferTask1", "remotePath", "missing.csv")));
        workflow.Remove("tasks");
        workflow["tasks"] = DefinitionsClient.SampleWorkflow("local-orders-import", name)["tasks"]!.DeepClone();
        await client.PutWorkflowAsync(workflow);

        var retry = await client.PostAsync($"/api/jobs/{failed.Text("jobId")}/retry", null);

        failed.Text("status").Should().Be("Failed");
        retry.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await retry.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("parameters")[0].GetString().Should()
            .Contain("FileTransferTask1.remotePath cannot be set by a run request").And.Contain("what may be set: Variables.sourceFilePath");
    }
}

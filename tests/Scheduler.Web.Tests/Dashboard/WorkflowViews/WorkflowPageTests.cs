using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Scheduler.Web.Tests.Dashboard.WorkflowViews;

/// <summary>A workflow's dashboard page over HTTP, in-process: what it shows of a secret, its versions and their diff.</summary>
public sealed class WorkflowPageTests
{
    private const string Secret = "Hunter2-default-password";

    [Fact]
    public async Task A_workflow_page_hides_a_secret_default_and_diffs_two_versions_with_it_masked()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }));
        using var admin = await app.LoginAsync();
        foreach (var folder in new[] { "in/a", "in/<b>" })
        {
            var saved = await admin.PutAsync("/api/workflows/secret-page", new StringContent(
                "{\"name\":\"secret-page\",\"variables\":[{\"name\":\"password\",\"type\":\"string\",\"secret\":true,\"default\":\"" + Secret + "\"},"
                + "{\"name\":\"folder\",\"type\":\"string\",\"default\":\"" + folder + "\"}],"
                + "\"tasks\":[{\"name\":\"Check\",\"type\":\"Decision\",\"inputs\":{\"expression\":\"Variables.folder != Variables.password\"}}]}",
                Encoding.UTF8,
                "application/json"));
            saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        }

        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        var page = await viewer.GetStringAsync("/hangfire/workflows/secret-page");

        page.Should().NotContain(Secret);
        page.Should().Contain("data-variable=\"password\"").And.Contain("(hidden)");
        page.Should().Contain("Changes from version 1 to version 2")
            .And.Contain("<span class=\"diff-removed\">-       &quot;default&quot;: &quot;in/a&quot;</span>")
            .And.Contain("<span class=\"diff-added\">+       &quot;default&quot;: &quot;in/&lt;b&gt;&quot;</span>");
        page.Should().Contain("data-task=\"Check\"", "the graph is drawn");

        var bad = await viewer.GetAsync("/hangfire/workflows/secret-page?from=x1&to=1");
        bad.StatusCode.Should().Be(HttpStatusCode.OK);
        (await bad.Content.ReadAsStringAsync()).Should().Contain("&#39;from&#39; must be a version number, not &#39;x1&#39;");
        (await viewer.GetAsync("/hangfire/workflows/no-such-workflow")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_operator_finds_a_Run_link_on_the_Workflows_list_and_the_workflow_page_and_a_viewer_finds_none()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }));
        using var admin = await app.LoginAsync();
        var saved = await admin.PutAsync("/api/workflows/run-links", new StringContent(
            "{\"name\":\"run-links\",\"tasks\":[{\"name\":\"Check\",\"type\":\"Decision\",\"inputs\":{\"expression\":\"true\"}}]}",
            Encoding.UTF8,
            "application/json"));
        saved.StatusCode.Should().Be(HttpStatusCode.OK, await saved.Content.ReadAsStringAsync());
        const string RunLink = "href=\"/hangfire/workflows/run-links/run\"";

        using var @operator = await app.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        (await @operator.GetStringAsync("/hangfire/workflows")).Should().Contain(RunLink);
        (await @operator.GetStringAsync("/hangfire/workflows/run-links")).Should().Contain(RunLink);

        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        (await viewer.GetStringAsync("/hangfire/workflows")).Should().Contain("data-workflow=\"run-links\"").And.NotContain(RunLink);
        (await viewer.GetStringAsync("/hangfire/workflows/run-links")).Should().Contain("data-task=\"Check\"").And.NotContain(RunLink);
    }

    [Fact]
    public async Task A_workflow_page_lists_each_variables_type_default_required_and_secret_the_inputs_a_run_may_set_and_diffs_two_chosen_versions()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" })));
        using var admin = await app.LoginAsync();
        foreach (var file in new[] { "first.csv", "second.csv", "third.csv" })
        {
            var workflow = RunFormTests.Fixture.RunFormWorkflow("described");
            workflow["variables"]![0]!["default"] = file;
            await admin.PutWorkflowAsync(workflow);
        }

        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        var page = await viewer.GetStringAsync("/hangfire/workflows/described?from=1&to=3");

        page.Should().Contain("<span id=\"workflow-version\">3</span>").And.Contain("id=\"workflow-valid\">valid</span>");
        page.Should().Contain("<tr class=\"workflow-variable\" data-variable=\"sourceFilePath\"><td>sourceFilePath</td><td>string</td><td class=\"variable-default\"><code>&quot;third.csv&quot;</code></td><td>no</td><td>no</td><td>The CSV file in the SampleFiles folder</td></tr>")
            .And.Contain("<tr class=\"workflow-variable\" data-variable=\"rowLimit\"><td>rowLimit</td><td>int</td><td class=\"variable-default\"></td><td>yes</td><td>no</td><td>How many rows at most</td></tr>")
            .And.Contain("<tr class=\"workflow-variable\" data-variable=\"apiToken\"><td>apiToken</td><td>string</td><td class=\"variable-default\"></td><td>no</td><td>yes</td><td></td></tr>")
            .And.Contain("<tr class=\"workflow-variable\" data-variable=\"dryRun\"><td>dryRun</td><td>bool</td><td class=\"variable-default\"><code>false</code></td><td>no</td><td>no</td><td></td></tr>");
        page.Should().Contain("<tr class=\"workflow-input\" data-task=\"FileTransferTask1\" data-input=\"remotePath\"><td>FileTransferTask1</td><td>remotePath</td><td><code>${Variables.sourceFilePath}</code></td></tr>")
            .And.NotContain("data-input=\"connection\"", "only the inputs the definition lists as overridable");
        page.Should().Contain("&lt;script&gt;alert(1)&lt;/script&gt;").And.NotContain(RunFormTests.Markup);

        page.Should().Contain("Changes from version 1 to version 3")
            .And.Contain("<select name=\"from\" class=\"form-control input-sm\"><option value=\"3\">3</option><option value=\"2\">2</option><option value=\"1\" selected>1</option></select>")
            .And.MatchRegex("<span class=\"diff-removed\">- +&quot;default&quot;: &quot;first.csv&quot;,</span>")
            .And.MatchRegex("<span class=\"diff-added\">\\+ +&quot;default&quot;: &quot;third.csv&quot;,</span>")
            .And.NotContain("second.csv", "version 2 is not one of the two compared");
        (await viewer.GetStringAsync("/hangfire/workflows/described")).Should().Contain("Changes from version 2 to version 3", "by default the last change");
    }

    [Fact]
    public async Task A_RunWorkflow_box_links_to_the_child_workflows_page_on_the_workflow_page_and_on_the_job_page()
    {
        await using var app = new SchedulerApp(TestUsers.Settings(new Dictionary<string, string?>()));
        using var admin = await app.LoginAsync();
        await admin.PutWorkflowAsync(JsonNode.Parse("""{"name":"child-flow","tasks":[{"name":"Check","type":"Decision","inputs":{"expression":"true"}}]}""")!.AsObject());
        await admin.PutWorkflowAsync(JsonNode.Parse("""{"name":"parent-flow","tasks":[{"name":"Child","type":"RunWorkflow","inputs":{"workflow":"child-flow"}}]}""")!.AsObject());
        var jobId = await admin.StartAsync("parent-flow");
        (await admin.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed");
        using var viewer = await app.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        const string Box = "<g class=\"task\" data-task=\"Child\" data-type=\"RunWorkflow\"";
        const string Link = "<a class=\"child-workflow\" href=\"/hangfire/workflows/child-flow\">";

        var workflowPage = await viewer.GetStringAsync("/hangfire/workflows/parent-flow");
        var jobPage = await viewer.GetStringAsync($"/hangfire/jobs/details/{jobId}");

        workflowPage.Should().MatchRegex($"{Regex.Escape(Box)} data-level=\"0\">{Regex.Escape(Link)}<title>Child \\(RunWorkflow \u2192 child-flow\\)</title>");
        jobPage.Should().MatchRegex($"{Regex.Escape(Box)} data-level=\"0\" data-status=\"Completed\">{Regex.Escape(Link)}");
        (await viewer.GetStringAsync("/hangfire/workflows/child-flow")).Should().Contain("<h1 class=\"page-header\" id=\"workflow-name\">child-flow</h1>", "the link leads to the child's page");
    }
}

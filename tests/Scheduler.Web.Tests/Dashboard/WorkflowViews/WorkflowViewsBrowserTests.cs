using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Dashboard.WorkflowViews;

/// <summary>
/// The Workflows pages and the job page's graph and timeline in Chromium, against the service running as its own
/// process with PostgreSQL storage. Each test saves screenshots (see <see cref="DashboardBrowser.ScreenshotFolder"/>).
/// </summary>
public sealed class WorkflowViewsBrowserTests : IAsyncLifetime
{
    private const string Admin = "admin";
    private const string Ended = "(ended)";

    private readonly string _outbox = Directory.CreateTempSubdirectory("scheduler-workflow-views-").FullName;

    // Set in InitializeAsync; null only when it failed before it.
    private DashboardBrowser Session { get; set; } = null!;

    private RunningServer Server => Session.Server;

    private ChromeDriver Browser => Session.Browser;

    public async Task InitializeAsync()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("workflow_views");
        Session = await DashboardBrowser.StartAsync(new Dictionary<string, string>
        {
            ["ConnectionStrings__Scheduler"] = database,
            ["Connections__Outbox__Type"] = "Local",
            ["Connections__Outbox__Path"] = _outbox,
            ["Connections__Db__Type"] = "PostgreSql",
            ["Connections__Db__ConnectionString"] = database,
        });
    }

    public async Task DisposeAsync()
    {
        if (Session is not null)
        {
            await Session.DisposeAsync();
        }

        Directory.Delete(_outbox, recursive: true);
    }

    [Fact]
    public void The_Workflows_page_lists_the_workflows_and_draws_orders_import_checked_with_its_boxes_and_arrows()
    {
        SignIn(TestUsers.Viewer, "/hangfire/workflows");

        var rows = Wait().Until(browser => browser.FindElements(By.CssSelector("tr.workflow")) is { Count: > 0 } found ? found : null);
        rows.Select(r => r.GetAttribute("data-workflow")).Should().Contain(["orders-import-checked", "local-orders-import"]);
        var checkedImport = rows.Single(r => r.GetAttribute("data-workflow") == "orders-import-checked");
        checkedImport.FindElement(By.CssSelector(".workflow-valid")).Text.Should().Be("valid");
        checkedImport.FindElement(By.CssSelector(".workflow-last-run")).Text.Should().Be("never");
        Browser.FindElement(By.CssSelector(".navbar a[href$='/hangfire/workflows']")).Text.Should().Contain("Workflows", "the page is in the dashboard's menu");
        Session.SaveScreenshot("workflows");

        checkedImport.FindElement(By.CssSelector("a.workflow-link")).Click();
        Wait().Until(browser => browser.FindElements(By.CssSelector("svg.workflow-graph g.task")).Count > 0);
        new Uri(Browser.Url).AbsolutePath.Should().Be("/hangfire/workflows/orders-import-checked");

        var boxes = Browser.FindElements(By.CssSelector("svg.workflow-graph g.task"));
        boxes.Select(b => b.GetAttribute("data-task")).Should().BeEquivalentTo("Download", "Archive", "Load", "AnyRejected", "Quarantine", "PublishRejected");
        boxes.Should().OnlyContain(b => b.Displayed);
        Box("Load").Text.Should().Contain("Load").And.Contain("RunDataflow");
        Box("AnyRejected").Text.Should().Contain("Decision");
        Box("Download").Location.X.Should().BeLessThan(Box("Load").Location.X, "levels run left to right");
        Box("Load").Location.X.Should().BeLessThan(Box("AnyRejected").Location.X);
        Box("AnyRejected").Location.X.Should().BeLessThan(Box("PublishRejected").Location.X);

        var arrows = Browser.FindElements(By.CssSelector("svg.workflow-graph g.dependency"))
            .Select(a => (a.GetAttribute("data-from"), a.GetAttribute("data-to"), a.Text))
            .ToList();
        arrows.Should().BeEquivalentTo(new[]
        {
            ("Download", "Archive", "succeeded"),
            ("Download", "Load", "succeeded"),
            ("Load", "AnyRejected", "succeeded"),
            ("Download", "Quarantine", "succeeded"),
            ("Load", "Quarantine", "failed"),
            ("Download", "PublishRejected", "succeeded"),
            ("Load", "PublishRejected", "succeeded"),
            ("AnyRejected", "PublishRejected", "true"),
        });

        var variable = Browser.FindElement(By.CssSelector("tr.workflow-variable[data-variable='sourceFilePath']"));
        variable.FindElement(By.CssSelector(".variable-default")).Text.Should().Be("\"orders.csv\"");
        Browser.FindElements(By.CssSelector("tr.workflow-history-version")).Select(v => v.GetAttribute("data-version")).Should().Equal("1");
        Session.SaveScreenshot("workflow-orders-import-checked");
    }

    [Fact]
    public async Task The_job_page_draws_the_finished_run_in_its_colours_with_a_timeline_and_the_rejected_rows_to_download()
    {
        using var api = await Session.LoginAsync(Admin, SchedulerApp.AdminPassword);
        var jobId = await api.StartAsync("orders-import-checked");
        (await api.WaitForEndAsync(jobId)).Text("status").Should().Be("Completed", Server.Output);

        SignIn(TestUsers.Viewer, $"/hangfire/jobs/details/{jobId}");
        Wait().Until(browser => browser.FindElements(By.CssSelector("#workflow-live svg.workflow-graph g.task")).Count > 0);

        Statuses().Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Download"] = "Completed",
            ["Archive"] = "Completed",
            ["Load"] = "Completed",
            ["AnyRejected"] = "Completed",
            ["PublishRejected"] = "Completed",
            ["Quarantine"] = "Skipped",
            [Ended] = "true",
        });
        Fill("Load").Should().Be("#dff0d8");
        Fill("Quarantine").Should().Be("#eeeeee");
        Browser.FindElements(By.CssSelector("svg.workflow-gantt g.gantt-step rect.gantt-bar")).Should().HaveCount(5, "every step that ran has a bar");
        Browser.FindElement(By.CssSelector("svg.workflow-gantt g.gantt-step[data-step='Quarantine']")).Text.Should().Contain("skipped");

        var rejected = Browser.FindElements(By.CssSelector("tr.workflow-file"))
            .Single(f => f.Text.Contains("Load.rejectedRowsPath", StringComparison.Ordinal));
        var link = rejected.FindElement(By.TagName("a")).GetAttribute("href")!;
        new Uri(link).AbsolutePath.Should().StartWith($"/hangfire/workflow-jobs/{jobId}/files/");
        var content = (string?)((IJavaScriptExecutor)Browser).ExecuteAsyncScript(
            "var done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => r.text()).then(done, e => done('failed: ' + e));", link);
        content.Should().Contain("abc", "the rejected-rows file is served to the signed-in browser");
        var outside = (string?)((IJavaScriptExecutor)Browser).ExecuteAsyncScript(
            "var done = arguments[arguments.length - 1]; fetch(arguments[0]).then(r => done(String(r.status)), e => done('failed: ' + e));",
            new Uri(Server.Address, $"/hangfire/workflow-jobs/{jobId}/files/..%2F..%2Fprofile%2FLocal%20State").ToString());
        outside.Should().Be("404", "a path never leaves the job's folder");
        ((IJavaScriptExecutor)Browser).ExecuteScript(
            "return performance.getEntriesByType('resource').map(e => e.name).filter(n => !n.startsWith(location.origin + '/'))"
            + ".concat(Array.from(document.scripts).filter(s => !s.src).map(s => 'an inline script'));")
            .Should().BeAssignableTo<IEnumerable<object>>().Which.Should().BeEmpty("everything the page loads is served by the service (no CDN, works offline), with no inline script");
        Session.SaveScreenshot("job-orders-import-checked");
    }

    [Fact]
    public async Task The_job_pages_colours_follow_a_run_to_its_end_without_reloading_the_page()
    {
        using var api = await Session.LoginAsync(Admin, SchedulerApp.AdminPassword);
        var saved = await api.PutAsync("/api/workflows/slow-run", new StringContent(SlowRun, System.Text.Encoding.UTF8, "application/json"));
        saved.IsSuccessStatusCode.Should().BeTrue(await saved.Content.ReadAsStringAsync());
        SignIn(TestUsers.Viewer, "/account/login");

        var jobId = await api.StartAsync("slow-run");
        await WaitUntilAsync(api, jobId, details => details.GetProperty("steps").EnumerateArray().Any(s => s.Text("name") == "Wait" && s.Text("status") == "Running"));
        Browser.Navigate().GoToUrl(new Uri(Server.Address, $"/hangfire/jobs/details/{jobId}"));
        Wait().Until(browser => browser.FindElements(By.CssSelector("#workflow-live svg.workflow-graph g.task")).Count > 0);
        ((IJavaScriptExecutor)Browser).ExecuteScript("window.sameDocument = true;");
        Session.SaveScreenshot("job-running");

        var seen = new List<Dictionary<string, string>>();
        var ended = new WebDriverWait(Browser, TimeSpan.FromSeconds(60)) { PollingInterval = TimeSpan.FromMilliseconds(150) }.Until(_ =>
        {
            seen.Add(Statuses());
            return seen[^1].ContainsKey(Ended);
        });

        ended.Should().BeTrue();
        seen.ForEach(s => s.Remove(Ended));
        seen[0]["Wait"].Should().Be("Running", "the page opened while the first step ran");
        var details = await api.GetStringAsync($"/api/jobs/{jobId}");
        seen.Select(s => s["Wait"]).Should().ContainInOrder(["Running", "Completed"], details);
        Statuses().Should().BeEquivalentTo(new Dictionary<string, string>
        {
            ["Wait"] = "Completed",
            ["Check"] = "Completed",
            ["Fail"] = "Failed",
            ["Never"] = "Skipped",
            [Ended] = "true",
        });
        Fill("Wait").Should().Be("#dff0d8");
        Fill("Fail").Should().Be("#f2dede");
        Fill("Never").Should().Be("#eeeeee");
        Browser.FindElement(By.CssSelector("svg.workflow-gantt g.gantt-step[data-step='Fail']")).GetAttribute("data-retries").Should().Be("1");
        Browser.FindElement(By.Id("workflow-steps")).Text.Should().Be("Workflow steps of slow-run: Failed", "the steps table is refreshed with the drawings");
        ((IJavaScriptExecutor)Browser).ExecuteScript("return window.sameDocument === true;").Should().Be(true, "the block was refreshed in place, not by reloading the page");
        Session.SaveScreenshot("job-ended");
    }

    // A first step long enough to watch, then each colour: a Decision that completes, a step that fails after one
    // retry, and a branch that is skipped.
    private const string SlowRun = """
        {"name":"slow-run","tasks":[
          {"name":"Wait","type":"RunSql","inputs":{"connection":"Db","sql":"SELECT 1 AS slept FROM pg_sleep(8)"}},
          {"name":"Check","type":"Decision","dependsOn":["Wait"],"inputs":{"expression":"true"}},
          {"name":"Fail","type":"RunSql","dependsOn":["Check"],"retry":{"count":1,"delaySeconds":0.5},"inputs":{"connection":"Db","sql":"SELECT 1/0"}},
          {"name":"Never","type":"Decision","dependsOn":[{"task":"Check","on":"false"}],"inputs":{"expression":"true"}}]}
        """;

    private IWebElement Box(string task) => Browser.FindElement(By.CssSelector($"svg.workflow-graph g.task[data-task='{task}']"));

    private string? Fill(string task) => Box(task).FindElement(By.TagName("rect")).GetAttribute("fill");

    // One script call, so that a refresh swapping the block between two reads cannot leave a stale element. The
    // block's data-ended="true" comes back as one more entry, under Ended.
    private Dictionary<string, string> Statuses() =>
        ((string?)((IJavaScriptExecutor)Browser).ExecuteScript(
            "var block = document.getElementById('workflow-live');"
            + "return Array.from(block.querySelectorAll('svg.workflow-graph g.task'))"
            + ".map(g => g.getAttribute('data-task') + '=' + g.getAttribute('data-status'))"
            + ".concat(block.getAttribute('data-ended') === 'true' ? ['" + Ended + "=true'] : []).join(',');") ?? "")
        .Split(',', StringSplitOptions.RemoveEmptyEntries)
        .Select(pair => pair.Split('='))
        .ToDictionary(pair => pair[0], pair => pair[1]);

    private void SignIn(string user, string path)
    {
        Browser.Navigate().GoToUrl(new Uri(Server.Address, path));
        Wait().Until(browser => browser.FindElements(By.Id("user")).Count > 0);
        Browser.FindElement(By.Id("user")).SendKeys(user);
        Browser.FindElement(By.Id("password")).SendKeys(TestUsers.Password);
        Browser.FindElement(By.Id("sign-in")).Click();
        Wait().Until(browser => browser.FindElements(By.Id("sign-in")).Count == 0);
    }

    private WebDriverWait Wait() => new(Browser, TimeSpan.FromSeconds(30));

    private static async Task WaitUntilAsync(HttpClient api, string jobId, Func<JsonElement, bool> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!condition(await api.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}", timeout.Token)))
        {
            await Task.Delay(100, timeout.Token);
        }
    }
}

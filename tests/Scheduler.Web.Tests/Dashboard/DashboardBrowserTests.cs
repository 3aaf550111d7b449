using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Dashboard;

/// <summary>
/// The dashboard as a person uses it: Debian's headless Chromium, driven by chromedriver, against the service running
/// as its own process on a real port with PostgreSQL storage.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    // Set in InitializeAsync; null only when it failed before it.
    private DashboardBrowser Session { get; set; } = null!;

    private RunningServer Server => Session.Server;

    private ChromeDriver Browser => Session.Browser;

    public async Task InitializeAsync() => Session = await DashboardBrowser.StartAsync(new Dictionary<string, string>
    {
        ["ConnectionStrings__Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("dashboard"),
    });

    public async Task DisposeAsync()
    {
        if (Session is not null)
        {
            await Session.DisposeAsync();
        }
    }

    [Fact]
    public async Task Anonymous_visitor_is_sent_to_the_login_page_and_after_signing_in_sees_a_finished_job_with_its_steps()
    {
        var jobId = await RunSampleJobAsync();

        Browser.Navigate().GoToUrl(new Uri(Server.Address, $"/hangfire/jobs/details/{jobId}"));

        new Uri(Browser.Url).AbsolutePath.Should().Be("/account/login", "an anonymous visitor is redirected to sign in");
        Browser.FindElement(By.Id("user")).SendKeys(TestUsers.Viewer);
        Browser.FindElement(By.Id("password")).SendKeys(TestUsers.Password);
        Browser.FindElement(By.Id("sign-in")).Click();

        var steps = Wait().Until(browser => browser.FindElements(By.Id("workflow-steps")).FirstOrDefault());
        new Uri(Browser.Url).AbsolutePath.Should().Be($"/hangfire/jobs/details/{jobId}", "the login page returns to the page asked for");
        steps.Text.Should().Be("Workflow steps of local-orders-import: Completed");
        var rows = Browser.FindElements(By.CssSelector("tr.workflow-step"));
        rows.Select(r => r.GetAttribute("data-step")).Should().Equal("FileTransferTask1", "RunDataflow1");
        rows.Select(r => r.FindElement(By.CssSelector(".step-status")).Text).Should().AllBe("Completed");
        Browser.FindElement(By.CssSelector("tr[data-step='RunDataflow1'] [data-output='rowsWritten']")).Text.Should().Be("20");
        Browser.FindElement(By.CssSelector("tr[data-step='RunDataflow1'] [data-output='rowsRejected']")).Text.Should().Be("2");
        Browser.PageSource.Should().Contain("Succeeded", "Hangfire's own history is on the same page");
        Session.SaveScreenshot("job-page-steps");
        Browser.FindElements(By.CssSelector($"[data-ajax$='/jobs/actions/requeue/{jobId}']")).Should().BeEmpty("a Viewer gets the dashboard read-only");
    }

    private WebDriverWait Wait() => new(Browser, TimeSpan.FromSeconds(30));

    private async Task<string> RunSampleJobAsync()
    {
        using var client = await Session.LoginAsync(TestUsers.Operator, TestUsers.Password);
        var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        var details = await client.WaitForEndAsync(jobId);
        details.Text("status").Should().Be("Completed", $"{details}\n{Server.Output}");
        return jobId;
    }
}

using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;
using Scheduler.Testing;
using static Scheduler.Web.Tests.JobsClient;

namespace Scheduler.Web.Tests;

/// <summary>
/// The dashboard as a person uses it: Debian's headless Chromium, driven by chromedriver, against the service running
/// as its own process on a real port with PostgreSQL storage.
/// </summary>
public sealed class DashboardBrowserTests : IAsyncLifetime
{
    private readonly string _profile = Directory.CreateTempSubdirectory("scheduler-chromium-").FullName;

    // Set in InitializeAsync; null only when it failed before them.
    private RunningServer Server { get; set; } = null!;

    private ChromeDriver Browser { get; set; } = null!;

    public async Task InitializeAsync()
    {
        var environment = TestUsers.Environment();
        environment["ConnectionStrings__Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("dashboard");
        environment["Auth__AdminPassword"] = SchedulerApp.AdminPassword;
        environment["Scheduler__DefinitionsPath"] = SchedulerApp.RepositoryFolder("samples");
        environment["Scheduler__WorkingDirectory"] = Path.Combine(_profile, "jobs");
        environment["Connections__SampleFiles__Type"] = "Local";
        environment["Connections__SampleFiles__Path"] = SchedulerApp.RepositoryFolder(Path.Combine("samples", "data"));
        Server = await RunningServer.StartAsync(environment);
        Browser = HeadlessChrome.Start(Path.Combine(_profile, "profile"));
    }

    public async Task DisposeAsync()
    {
        Browser?.Quit();
        Browser?.Dispose();
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Directory.Delete(_profile, recursive: true);
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
        Browser.FindElements(By.CssSelector($"[data-ajax$='/jobs/actions/requeue/{jobId}']")).Should().BeEmpty("a Viewer gets the dashboard read-only");
    }

    private WebDriverWait Wait() => new(Browser, TimeSpan.FromSeconds(30));

    private async Task<string> RunSampleJobAsync()
    {
        using var client = new HttpClient { BaseAddress = Server.Address };
        var login = await client.PostAsJsonAsync("/api/account/login", new { user = TestUsers.Operator, password = TestUsers.Password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        var details = await client.WaitForEndAsync(jobId);
        details.Text("status").Should().Be("Completed", $"{details}\n{Server.Output}");
        return jobId;
    }
}

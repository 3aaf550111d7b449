using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;
using OpenQA.Selenium.Support.UI;

namespace Scheduler.Web.Tests.Dashboard;

/// <summary>
/// The Run form and the Schedules page as a person uses them, in headless Chromium against the service running as
/// its own process on a real port. Each test keeps a screenshot of what the browser showed (see <see cref="DashboardBrowser.ScreenshotFolder"/>).
/// </summary>
public sealed class RunFormBrowserTests(RunFormBrowserTests.Fixture fixture) : IClassFixture<RunFormBrowserTests.Fixture>
{
    private ChromeDriver Browser => fixture.Browser;

    [Fact]
    public void Viewer_sees_the_workflow_but_no_Run_form()
    {
        SignIn(TestUsers.Viewer, fixture.FormPath);

        Browser.FindElement(By.Id("run-not-allowed")).Text.Should().Contain("Only Operators and Admins can run workflows");
        Browser.FindElements(By.Id("run-form")).Should().BeEmpty();
        fixture.Session.SaveScreenshot("run-form-viewer");
    }

    [Fact]
    public void Run_form_shows_each_problem_next_to_its_field_and_keeps_the_values_typed_in()
    {
        SignIn(TestUsers.Operator, fixture.FormPath);

        Browser.FindElement(By.Id("run-Variables.rowLimit")).SendKeys("many");
        Browser.FindElement(By.Id("run-Variables.apiToken")).SendKeys("Secret-Token-Value-3");
        Browser.FindElement(By.XPath("//select[@id='run-Variables.dryRun']/option[@value='true']")).Click();
        Browser.FindElement(By.Id("run-submit")).Click();

        var problem = Wait().Until(browser => browser.FindElements(By.Id("problems-Variables.rowLimit")).FirstOrDefault());
        problem.Text.Should().Contain("'many' is not a valid int");
        problem.FindElement(By.XPath("..")).GetAttribute("data-field").Should().Be("Variables.rowLimit", "the problem is shown in its field's group");
        Browser.FindElement(By.Id("run-Variables.rowLimit")).GetAttribute("value").Should().Be("many");
        Browser.FindElement(By.Id("run-Variables.apiToken")).GetAttribute("value").Should().BeEmpty("a secret is never sent back to the page");
        Browser.PageSource.Should().NotContain("Secret-Token-Value-3");
        Browser.FindElements(By.CssSelector(".field-problems")).Should().ContainSingle();
        fixture.Session.SaveScreenshot("run-form-problems");
        fixture.Session.SaveScreenshot("run-form-problems-form", Browser.FindElement(By.Id("run-form")));
    }

    [Fact]
    public void A_valid_run_opens_the_new_job_page()
    {
        SignIn(TestUsers.Operator, fixture.FormPath);

        Browser.FindElement(By.Id("run-Variables.rowLimit")).SendKeys("5");
        Browser.FindElement(By.Id("run-submit")).Click();

        var steps = Wait().Until(browser => browser.FindElements(By.Id("workflow-steps")).FirstOrDefault());
        new Uri(Browser.Url).AbsolutePath.Should().MatchRegex("^/hangfire/jobs/details/[0-9]+$");
        steps.Text.Should().StartWith($"Workflow steps of {fixture.Workflow}");
        fixture.Session.SaveScreenshot("run-form-job");
    }

    [Fact]
    public async Task Schedules_and_Workflows_pages_show_the_next_run_in_the_schedule_zone_and_in_UTC_with_a_link_to_the_Run_form()
    {
        var id = DefinitionsClient.UniqueName("browser");
        using var admin = await fixture.AdminAsync();
        var saved = await admin.PutAsJsonAsync($"/api/schedules/{id}", new { workflow = fixture.Workflow, cron = "0 9 * * 1", timeZone = "America/New_York",
            parameters = new[] { JobsClient.Parameter("Variables", "rowLimit", 1) } });
        saved.EnsureSuccessStatusCode();
        var nextRun = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextRun").GetDateTimeOffset();
        var newYork = TimeZoneInfo.ConvertTime(nextRun, TimeZoneInfo.FindSystemTimeZoneById("America/New_York"));

        SignIn(TestUsers.Operator, "/hangfire/schedules");

        var row = Browser.FindElement(By.CssSelector($"tr[data-schedule='{id}']"));
        row.FindElement(By.CssSelector(".next-run-local")).Text.Should().Be($"{newYork:yyyy-MM-dd} 09:00:00 {newYork:zzz} America/New_York");
        row.FindElement(By.CssSelector(".next-run-utc")).Text.Should().Be($"{nextRun.UtcDateTime:yyyy-MM-dd HH:mm:ss} +00:00");
        Browser.FindElement(By.CssSelector("ul.navbar-nav li.active a")).Text.Should().Be("Schedules");
        fixture.Session.SaveScreenshot("schedules");
        row.FindElement(By.CssSelector("a.run-link")).Click();
        new Uri(Browser.Url).AbsolutePath.Should().Be(fixture.FormPath);

        Browser.Navigate().GoToUrl(new Uri(fixture.Server.Address, "/hangfire/workflows"));
        var workflow = Browser.FindElement(By.CssSelector($"tr.workflow[data-workflow='{fixture.Workflow}']"));
        workflow.FindElement(By.CssSelector(".next-run-local")).Text.Should().Be($"{newYork:yyyy-MM-dd} 09:00:00 {newYork:zzz} America/New_York ({id})", "the Workflows list writes it as the Schedules page does");
        workflow.FindElement(By.CssSelector(".next-run-utc")).Text.Should().Be($"{nextRun.UtcDateTime:yyyy-MM-dd HH:mm:ss} +00:00");
        fixture.Session.SaveScreenshot("workflows-operator");
        workflow.FindElement(By.CssSelector("a.run-link")).Click();
        new Uri(Browser.Url).AbsolutePath.Should().Be(fixture.FormPath, "an Operator runs a workflow from the Workflows list too");
    }

    [Fact]
    public async Task A_dashboard_post_over_the_body_limit_is_refused_with_413_before_it_is_read()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var client = new HttpClient(handler) { BaseAddress = fixture.Server.Address };
        (await client.SignInAsync(TestUsers.Operator, TestUsers.Password)).StatusCode.Should().Be(HttpStatusCode.Redirect);
        var token = DashboardClient.FormToken(await client.GetStringAsync(fixture.FormPath));

        var response = await client.PostAsync(fixture.FormPath, new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["Variables.rowLimit"] = "1",
            ["Variables.sourceFilePath"] = new string('a', Scheduler.Web.Http.RequestLimits.DashboardFormBytes),
        }));

        response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, fixture.Server.Output);
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
    }

    private void SignIn(string user, string path)
    {
        Browser.Manage().Cookies.DeleteAllCookies();
        Browser.Navigate().GoToUrl(new Uri(fixture.Server.Address, $"/account/login?returnUrl={Uri.EscapeDataString(path)}"));
        Browser.FindElement(By.Id("user")).SendKeys(user);
        Browser.FindElement(By.Id("password")).SendKeys(TestUsers.Password);
        Browser.FindElement(By.Id("sign-in")).Click();
        Wait().Until(browser => new Uri(browser.Url).AbsolutePath == path);
    }

    private WebDriverWait Wait() => new(Browser, TimeSpan.FromSeconds(30));

    /// <summary>One service (in-memory storage, the local samples and the Run form's workflow) and one browser for every test of the class.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public string Workflow { get; } = DefinitionsClient.UniqueName("run-form");

        public string FormPath => $"/hangfire/workflows/{Workflow}/run";

        // Set in InitializeAsync; null only when it failed before it.
        public DashboardBrowser Session { get; private set; } = null!;

        public RunningServer Server => Session.Server;

        public ChromeDriver Browser => Session.Browser;

        public async Task InitializeAsync()
        {
            Session = await DashboardBrowser.StartAsync();
            using var admin = await AdminAsync();
            await admin.PutWorkflowAsync(RunFormTests.Fixture.RunFormWorkflow(Workflow));
        }

        public Task<HttpClient> AdminAsync() => Session.LoginAsync("admin", SchedulerApp.AdminPassword);

        public async Task DisposeAsync()
        {
            if (Session is not null)
            {
                await Session.DisposeAsync();
            }
        }
    }
}

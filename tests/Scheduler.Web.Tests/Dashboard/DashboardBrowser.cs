using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Scheduler.Web.Tests;

/// <summary>
/// The service running as its own process with the local samples, and Debian's headless Chromium driven by
/// chromedriver with a throwaway profile: what the browser tests of the dashboard look at it with.
/// </summary>
public sealed class DashboardBrowser : IAsyncDisposable
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    private readonly string _folder;

    private DashboardBrowser(string folder, RunningServer server, ChromeDriver browser)
    {
        _folder = folder;
        Server = server;
        Browser = browser;
    }

    /// <summary>
    /// Where screenshots go: <c>SCHEDULER_TEST_ARTIFACTS</c>, or <c>TestResults/screenshots</c> at the repository root
    /// (ignored by git), kept after the run so that a person or CI can look at what the browser saw.
    /// </summary>
    public static string ScreenshotFolder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("SCHEDULER_TEST_ARTIFACTS") is { Length: > 0 } folder ? folder : SchedulerApp.RepositoryFolder("TestResults"),
        "screenshots");

    public RunningServer Server { get; }

    public ChromeDriver Browser { get; }

    /// <summary>Starts the service (in-memory storage unless <paramref name="settings"/> names a database) and the browser.</summary>
    public static async Task<DashboardBrowser> StartAsync(IDictionary<string, string>? settings = null)
    {
        File.Exists(Chromium).Should().BeTrue("Debian's chromium and chromium-driver are needed (scripts/install-test-prerequisites.sh installs them)");
        var folder = Directory.CreateTempSubdirectory("scheduler-chromium-").FullName;
        var environment = TestUsers.Environment();
        environment["Auth__AdminPassword"] = SchedulerApp.AdminPassword;
        environment["Scheduler__DefinitionsPath"] = SchedulerApp.RepositoryFolder("samples");
        environment["Scheduler__WorkingDirectory"] = Path.Combine(folder, "jobs");
        environment["Connections__SampleFiles__Type"] = "Local";
        environment["Connections__SampleFiles__Path"] = SchedulerApp.RepositoryFolder(Path.Combine("samples", "data"));
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            environment[key] = value;
        }

        var server = await RunningServer.StartAsync(environment);
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1280,1024", $"--user-data-dir={Path.Combine(folder, "profile")}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        return new DashboardBrowser(folder, server, new ChromeDriver(service, options, TimeSpan.FromSeconds(60)));
    }

    /// <summary>An API client of the service with the bearer token of <paramref name="user"/>.</summary>
    public async Task<HttpClient> LoginAsync(string user, string password)
    {
        var client = new HttpClient { BaseAddress = Server.Address };
        var login = await client.PostAsJsonAsync("/api/account/login", new { user, password });
        login.EnsureSuccessStatusCode();
        var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return client;
    }

    /// <summary>Saves what the browser shows, or only <paramref name="element"/>, as <c>{name}.png</c> in <see cref="ScreenshotFolder"/>.</summary>
    public string SaveScreenshot(string name, IWebElement? element = null)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        ((ITakesScreenshot?)element ?? Browser).GetScreenshot().SaveAsFile(path);
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        Browser.Quit();
        Browser.Dispose();
        await Server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}

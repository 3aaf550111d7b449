using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Scheduler.Web.Tests;

/// <summary>
/// Debian's headless Chromium driven by chromedriver, with its own throwaway profile, and the folder its screenshots
/// are kept in as test artefacts.
/// </summary>
public static class HeadlessChrome
{
    private const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriver = "/usr/bin/chromedriver";

    /// <summary>
    /// Where screenshots go: <c>SCHEDULER_TEST_ARTIFACTS</c>, or <c>TestResults/screenshots</c> at the repository root
    /// (ignored by git), kept after the run so that a person or CI can look at what the browser saw.
    /// </summary>
    public static string ScreenshotFolder { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("SCHEDULER_TEST_ARTIFACTS") is { Length: > 0 } folder ? folder : SchedulerApp.RepositoryFolder("TestResults"),
        "screenshots");

    public static ChromeDriver Start(string profileFolder)
    {
        File.Exists(Chromium).Should().BeTrue("Debian's chromium and chromium-driver are needed (scripts/install-test-prerequisites.sh installs them)");
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1280,1024", $"--user-data-dir={Path.Combine(profileFolder, "profile")}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriver)!, Path.GetFileName(ChromeDriver));
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    /// <summary>Saves what the browser shows (or one element of it) as <c>{name}.png</c> in <see cref="ScreenshotFolder"/>.</summary>
    public static string SaveScreenshot(this ITakesScreenshot source, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        source.GetScreenshot().SaveAsFile(path);
        return path;
    }
}

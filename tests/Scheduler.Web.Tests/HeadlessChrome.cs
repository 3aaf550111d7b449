using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Scheduler.Web.Tests;

/// <summary>
/// Debian's headless Chromium, driven by chromedriver, with a profile of its own. Screenshots taken during the tests
/// are kept under <c>TestResults/screenshots/</c> in the test output folder (bin/Debug/net10.0), as test artefacts.
/// </summary>
public static class HeadlessChrome
{
    public const string Chromium = "/usr/bin/chromium";
    private const string ChromeDriverPath = "/usr/bin/chromedriver";

    public static string ScreenshotFolder => Path.Combine(AppContext.BaseDirectory, "TestResults", "screenshots");

    public static ChromeDriver Start(string profileFolder)
    {
        File.Exists(Chromium).Should().BeTrue("Debian's chromium and chromium-driver are needed (scripts/install-test-prerequisites.sh installs them)");
        var options = new ChromeOptions { BinaryLocation = Chromium };
        options.AddArguments(
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--window-size=1280,1024", $"--user-data-dir={profileFolder}");
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(ChromeDriverPath)!, Path.GetFileName(ChromeDriverPath));
        service.SuppressInitialDiagnosticInformation = true;
        return new ChromeDriver(service, options, TimeSpan.FromSeconds(60));
    }

    /// <summary>Saves what the browser shows as <c>TestResults/screenshots/{name}.png</c>.</summary>
    public static string SaveScreenshot(this ChromeDriver browser, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var path = Path.Combine(ScreenshotFolder, $"{name}.png");
        browser.GetScreenshot().SaveAsFile(path);
        return path;
    }
}

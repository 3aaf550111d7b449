using System.Net;

namespace Scheduler.Web.Tests.Dashboard;

/// <summary>
/// The keys behind dashboard cookies. A class of its own: Hangfire logs through the last started service's logger
/// factory, process-wide, so these services must not stop while another class's fixture still serves requests.
/// </summary>
public sealed class DashboardKeysTests
{
    [Fact]
    public async Task With_a_keys_folder_a_dashboard_sign_in_survives_a_restart_of_the_service()
    {
        var keys = Directory.CreateTempSubdirectory("scheduler-keys-").FullName;
        try
        {
            var settings = new Dictionary<string, string?> { ["Scheduler:DataProtectionKeysPath"] = keys };
            string cookie;
            await using (var before = new SchedulerApp(settings))
            {
                using var browser = before.CreateBrowserClient();
                var signIn = await browser.SignInAsync("admin", SchedulerApp.AdminPassword);
                cookie = signIn.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith(".Scheduler.Dashboard=", StringComparison.Ordinal)).Split(';')[0];
            }

            Directory.EnumerateFiles(keys, "key-*.xml").Should().NotBeEmpty("the keys are kept in the configured folder");
            await using var after = new SchedulerApp(settings);
            using var client = after.CreateClient(new() { AllowAutoRedirect = false, HandleCookies = false });
            using var request = new HttpRequestMessage(HttpMethod.Get, "/hangfire");
            request.Headers.Add("Cookie", cookie);

            (await client.SendAsync(request)).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            Directory.Delete(keys, recursive: true);
        }
    }
}

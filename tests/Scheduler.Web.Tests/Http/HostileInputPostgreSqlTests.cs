using System.Net;
using Scheduler.Web.Accounts;
using Xunit.Abstractions;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Http;

/// <summary>
/// The odd texts of the hostile corpus against PostgreSQL storage, which refuses some text that memory keeps (NUL):
/// every endpoint, as Admin (the role that reaches every write), never a 5xx or a secret, and the service still runs
/// the canonical workflow afterwards.
/// </summary>
public sealed class HostileInputPostgreSqlTests(ProductionStackFixture stack, ITestOutputHelper output) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task No_odd_text_to_any_endpoint_gets_a_5xx_from_PostgreSQL_storage_or_stops_the_service()
    {
        using var admin = await stack.App.LoginAsync();
        var secrets = new[] { stack.Ftp.Password, SchedulerApp.AdminPassword };

        var report = await new HostileInputRunner(stack.App, new Dictionary<string, HttpClient> { [Roles.Admin] = admin }, secrets).RunAsync(HostileInputs.Texts);

        output.WriteLine(report.ToString());
        report.Failures.Should().BeEmpty("no odd text may get a 5xx from the storage, fail to get an answer, or get a secret back");
        (await admin.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var job = await admin.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        (await admin.WaitForEndAsync(job)).Text("status").Should().Be("Completed");
    }
}

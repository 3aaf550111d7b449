using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>The canonical scenario against the service running as a process, and what survives its restart.</summary>
public sealed class EndToEndTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    private const string SigningKey = "end-to-end-signing-key-of-at-least-32-characters";

    [Fact]
    public async Task Scenario_runs_against_the_running_service_and_jobs_and_tokens_survive_a_restart()
    {
        var scheduler = await PostgresServer.Shared.CreateDatabaseAsync("e2e");
        var environment = stack.ServiceEnvironment(scheduler, SigningKey);
        string token;
        string jobId;
        await using (var server = await RunningServer.StartAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = server.Address };
            var login = await client.PostAsJsonAsync("/api/account/login", new { user = "admin", password = SchedulerApp.AdminPassword, rememberMe = 1 });
            login.StatusCode.Should().Be(HttpStatusCode.OK);
            token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            jobId = await client.StartAsync("orders-import", Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
            var details = await client.WaitForEndAsync(jobId);

            details.Text("status").Should().Be("Completed", details.ToString());
            details.Step("RunDataflow1").GetProperty("outputs").GetProperty("rowsWritten").GetInt64().Should().Be(20);
            server.Output.Should().Contain("PostgreSQL").And.NotContain(stack.Ftp.Password);
        }

        await using (var restarted = await RunningServer.StartAsync(environment))
        {
            using var client = new HttpClient { BaseAddress = restarted.Address };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var status = await client.GetFromJsonAsync<JsonElement>($"/api/Job/{jobId}/Status");

            status.Text("status").Should().Be("Completed");
            status.Text("state").Should().Be("Succeeded");
        }
    }
}

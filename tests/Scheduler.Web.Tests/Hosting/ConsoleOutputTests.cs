using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>What a first-time user sees on the console of <c>dotnet run</c>: the real process's output, not the options.</summary>
public sealed partial class ConsoleOutputTests
{
    [Fact]
    public async Task Development_console_shows_where_everything_is_and_job_lines_with_time_level_job_and_step()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("scheduler-console-").FullName;
        try
        {
            await using var server = await RunningServer.StartAsync(new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Scheduler__DefinitionsPath"] = SchedulerApp.RepositoryFolder("samples"),
                ["Scheduler__WorkingDirectory"] = workingDirectory,
                ["Connections__SampleFiles__Path"] = SchedulerApp.RepositoryFolder(Path.Combine("samples", "data")),
                ["Connections__Outbox__Path"] = Path.Combine(workingDirectory, "outbox"),
            });
            using var client = new HttpClient { BaseAddress = server.Address };
            var login = await client.PostAsJsonAsync("/api/account/login", new { user = "admin", password = "Admin123" });
            var token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);

            var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
            await client.WaitForEndAsync(jobId);

            var output = server.Output;
            var lines = output.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            var origin = server.Address.GetLeftPart(UriPartial.Authority);
            output.Should().Contain("Scheduler is ready.")
                .And.Contain($"API:        {origin}/api")
                .And.Contain($"Dashboard:  {origin}/hangfire")
                .And.Contain($"Reference:  {origin}/scalar")
                .And.Contain($"OpenAPI:    {origin}/openapi/v1.json")
                .And.Contain("NOTHING IS DURABLE")
                .And.Contain("Development password 'Admin123'");

            // The simple formatter writes a header line (time, level, category) and then the scopes line.
            var stepLine = lines.FindIndex(l => l.Contains($"=> JobId:{jobId} Workflow:local-orders-import => Step:RunDataflow1", StringComparison.Ordinal));
            stepLine.Should().BePositive(output);
            Header().IsMatch(lines[stepLine - 1]).Should().BeTrue(lines[stepLine - 1]);
            output.Should().NotContain("System.Collections.Generic.Dictionary");
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    [GeneratedRegex(@"^\d\d:\d\d:\d\d\.\d{3} info: Scheduler\.")]
    private static partial Regex Header();
}

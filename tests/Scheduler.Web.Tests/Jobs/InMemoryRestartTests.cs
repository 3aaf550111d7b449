using System.Net.Http.Json;
using System.Text.Json;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>
/// In memory, job ids start at 1 again after a restart while the working directory keeps the old job folders: a new
/// process must never show another process's job files as its own.
/// </summary>
public sealed class InMemoryRestartTests
{
    [Fact]
    public async Task After_a_restart_in_memory_the_new_job_1_does_not_list_the_files_of_the_old_job_1()
    {
        var workingDirectory = Directory.CreateTempSubdirectory("scheduler-restart-").FullName;
        var outsider = Path.Combine(workingDirectory, "not-a-job");
        try
        {
            var settings = SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Scheduler:WorkingDirectory"] = workingDirectory });
            await using (var first = new SchedulerApp(settings))
            {
                using var client = await first.LoginAsync();
                var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
                await client.WaitForEndAsync(jobId);
                (await FilesAsync(client, jobId)).Should().Contain("output/orders.csv");
            }

            Directory.CreateDirectory(outsider);
            await using var second = new SchedulerApp(settings);
            using var again = await second.LoginAsync();
            var failing = await again.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "missing.csv"));
            await again.WaitForEndAsync(failing);

            failing.Should().Be("1");
            (await FilesAsync(again, failing)).Should().NotContain("output/orders.csv").And.NotContain("rejected-rows.csv");
            Directory.Exists(outsider).Should().BeTrue("only job folders are the service's to clear");
            second.LogLines.Should().Contain(l => l.Contains("job folders that an earlier in-memory run left", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(workingDirectory, recursive: true);
        }
    }

    private static async Task<List<string>> FilesAsync(HttpClient client, string jobId) =>
        (await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/files")).GetProperty("files").EnumerateArray()
            .Select(f => f.GetProperty("path").GetString()!).ToList();
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>An HTTP client reads the files a job left (rejected rows, outputs) without access to the server's disk.</summary>
public sealed class JobFilesTests(JobFilesTests.FinishedJob job) : IClassFixture<JobFilesTests.FinishedJob>
{
    private HttpClient Client => job.Client;

    private string JobId => job.JobId;

    [Fact]
    public async Task The_files_of_a_job_are_listed_with_paths_relative_to_its_folder()
    {
        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{JobId}/files");

        var paths = list.GetProperty("files").EnumerateArray().Select(f => f.Text("path")).ToList();
        paths.Should().Contain(["downloads/orders.csv", "output/orders.csv", "rejected-rows.csv"]);
        list.GetProperty("files").EnumerateArray().Should().OnlyContain(f => f.GetProperty("size").GetInt64() > 0);
    }

    [Fact]
    public async Task A_file_of_the_job_downloads_with_its_content_type()
    {
        var response = await Client.GetAsync($"/api/jobs/{JobId}/files/rejected-rows.csv");

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        response.Content.Headers.ContentType!.MediaType.Should().Be("text/csv");
        (await response.Content.ReadAsStringAsync()).Should().Contain("abc");
    }

    [Theory]
    [InlineData("../../../etc/passwd")]
    [InlineData("%2e%2e/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("downloads/../../other/file.csv")]
    [InlineData("missing.csv")]
    public async Task A_path_outside_the_job_folder_or_missing_is_a_404_problem(string path)
    {
        var response = await Client.GetAsync($"/api/jobs/{JobId}/files/{path}");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).Text("title").Should().NotBeNull();
    }

    [Fact]
    public async Task A_symbolic_link_in_the_job_folder_that_leads_out_of_it_is_neither_listed_nor_served()
    {
        var folder = Path.Combine(job.App.WorkingDirectory, JobId);
        var linkedFile = Path.Combine(folder, $"passwd-{Guid.NewGuid():N}");
        var linkedFolder = Path.Combine(folder, $"etc-{Guid.NewGuid():N}");
        File.CreateSymbolicLink(linkedFile, "/etc/passwd");
        Directory.CreateSymbolicLink(linkedFolder, "/etc");

        var list = await Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{JobId}/files");
        var file = await Client.GetAsync($"/api/jobs/{JobId}/files/{Path.GetFileName(linkedFile)}");
        var throughFolder = await Client.GetAsync($"/api/jobs/{JobId}/files/{Path.GetFileName(linkedFolder)}/passwd");

        list.GetProperty("files").EnumerateArray().Select(f => f.Text("path")).Should().NotContain(p => p!.Contains("passwd") || p.Contains("etc-"));
        file.StatusCode.Should().Be(HttpStatusCode.NotFound);
        throughFolder.StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Files_of_an_unknown_job_are_a_404()
    {
        (await Client.GetAsync("/api/jobs/424242/files")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await Client.GetAsync("/api/jobs/424242/files/rejected-rows.csv")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    /// <summary>The service with one finished run of the local sample, whose folder the tests read.</summary>
    public sealed class FinishedJob : IAsyncLifetime
    {
        public SchedulerApp App { get; } = new(SchedulerApp.WithSampleFiles());

        public HttpClient Client { get; private set; } = null!;

        public string JobId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Client = await App.LoginAsync();
            JobId = await Client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
            (await Client.WaitForEndAsync(JobId)).Text("status").Should().Be("Completed");
        }

        public async Task DisposeAsync()
        {
            Client.Dispose();
            await App.DisposeAsync();
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Dashboard;

/// <summary>The dashboard over HTTP: cookie sign-in with the API's users, anti-forgery, read-only Viewers, the steps on the job page.</summary>
public sealed class DashboardTests(DashboardTests.Fixture fixture) : IClassFixture<DashboardTests.Fixture>
{
    /// <summary>A path that would be markup if the page did not encode it.</summary>
    public const string MarkupPath = "<img src=x onerror=alert(1)>.csv";

    [Theory]
    [InlineData("/hangfire")]
    [InlineData("/hangfire/jobs/details/1")]
    [InlineData("/hangfire/workflows")]
    [InlineData("/hangfire/workflows/local-orders-import")]
    [InlineData("/hangfire/workflows/local-orders-import/run")]
    [InlineData("/hangfire/schedules")]
    [InlineData("/hangfire/workflow-jobs/1/live")]
    public async Task Anonymous_request_is_redirected_to_the_login_page_even_with_an_API_token(string path)
    {
        using var anonymous = fixture.App.CreateBrowserClient();
        using var bearer = fixture.App.CreateBrowserClient();
        bearer.DefaultRequestHeaders.Authorization = fixture.Admin.DefaultRequestHeaders.Authorization;

        foreach (var client in new[] { anonymous, bearer })
        {
            var response = await client.GetAsync(path);

            response.StatusCode.Should().Be(HttpStatusCode.Redirect);
            response.Headers.Location!.PathAndQuery.Should().Be($"/account/login?ReturnUrl={Uri.EscapeDataString(path)}");
        }
    }

    [Fact]
    public async Task Viewer_sees_the_job_page_with_the_workflow_steps_and_no_buttons_that_act()
    {
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);

        var page = await viewer.GetStringAsync($"/hangfire/jobs/details/{fixture.CompletedJobId}");

        page.Should().Contain("Workflow steps of local-orders-import: Completed")
            .And.Contain("data-step=\"FileTransferTask1\"")
            .And.Contain("data-step=\"RunDataflow1\"")
            .And.Contain("<span data-output=\"rowsWritten\">20</span>")
            .And.Contain("<span data-output=\"rowsRejected\">2</span>")
            .And.Contain("Succeeded", "Hangfire's own history is still there");
        page.Should().Contain("id=\"workflow-log\"").And.Contain("wrote 20, rejected 2", "the job's log is on its page");
        page.Should().NotContain("System.Collections", "list outputs such as localPaths are shown as their values");
        page.Should().NotContain($"jobs/actions/requeue/{fixture.CompletedJobId}");
    }

    [Fact]
    public async Task The_job_page_links_the_output_and_rejected_rows_files_for_download_under_the_files_endpoints_rules()
    {
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        var jobId = fixture.CompletedJobId;

        var page = await viewer.GetStringAsync($"/hangfire/jobs/details/{jobId}");

        foreach (var (file, origin) in new[] { ("output/orders.csv", "RunDataflow1.outputPath"), ("rejected-rows.csv", "RunDataflow1.rejectedRowsPath") })
        {
            var link = $"/hangfire/workflow-jobs/{jobId}/files/{file}";
            page.Should().MatchRegex($"<tr class=\"workflow-file\" data-file=\"{Regex.Escape(file)}\"><td><a href=\"{Regex.Escape(link)}\" download>{Regex.Escape(file)}</a></td><td>[0-9,]+ bytes</td><td>[^<]*{Regex.Escape(origin)}[^<]*</td></tr>");
            var served = await viewer.GetAsync(link);
            served.StatusCode.Should().Be(HttpStatusCode.OK, link);
            (await served.Content.ReadAsStringAsync()).Should().Be(await fixture.Admin.GetStringAsync($"/api/jobs/{jobId}/files/{file}"), "the page serves what the files endpoint serves");
        }

        // A link in another job's folder to this job's output: resolved, it leaves that folder, so it is not served.
        var leak = Path.Combine(fixture.App.WorkingDirectory, fixture.FailedJobId, "leak.csv");
        Directory.CreateDirectory(Path.GetDirectoryName(leak)!);
        File.CreateSymbolicLink(leak, Path.Combine(fixture.App.WorkingDirectory, jobId, "output", "orders.csv"));
        (await viewer.GetAsync($"/hangfire/workflow-jobs/{fixture.FailedJobId}/files/leak.csv")).StatusCode
            .Should().Be(HttpStatusCode.NotFound, "a path never leaves its job's folder, not even through a symbolic link");
        (await viewer.GetAsync($"/hangfire/workflow-jobs/999999/files/output/orders.csv")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        using var anonymous = fixture.App.CreateBrowserClient();
        (await anonymous.GetAsync($"/hangfire/workflow-jobs/{jobId}/files/output/orders.csv")).StatusCode.Should().Be(HttpStatusCode.Redirect, "behind the dashboard's sign-in");
    }

    [Fact]
    public async Task Viewer_cannot_requeue_a_job_even_with_a_valid_antiforgery_token()
    {
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        var (header, token) = DashboardClient.DashboardToken(await viewer.GetStringAsync("/hangfire"));

        using var requeue = new HttpRequestMessage(HttpMethod.Post, $"/hangfire/jobs/actions/requeue/{fixture.CompletedJobId}");
        requeue.Headers.Add(header, token);
        var response = await viewer.SendAsync(requeue);

        response.IsSuccessStatusCode.Should().BeFalse();
        (await fixture.Admin.GetFromJsonAsync<JsonElement>($"/api/jobs/{fixture.CompletedJobId}/status")).Text("state").Should().Be("Succeeded");
    }

    [Fact]
    public async Task Operator_can_requeue_a_job_only_with_the_antiforgery_token_of_the_page()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var jobId = await fixture.Admin.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        await fixture.Admin.WaitForEndAsync(jobId);
        var page = await operatorClient.GetStringAsync($"/hangfire/jobs/details/{jobId}");
        page.Should().Contain($"jobs/actions/requeue/{jobId}", "Operators get the buttons that act");
        var (header, token) = DashboardClient.DashboardToken(page);

        var forged = await operatorClient.PostAsync($"/hangfire/jobs/actions/requeue/{jobId}", null);
        using var requeue = new HttpRequestMessage(HttpMethod.Post, $"/hangfire/jobs/actions/requeue/{jobId}");
        requeue.Headers.Add(header, token);
        var genuine = await operatorClient.SendAsync(requeue);

        forged.IsSuccessStatusCode.Should().BeFalse("a POST without the page's anti-forgery token is refused");
        genuine.IsSuccessStatusCode.Should().BeTrue(await genuine.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Step_errors_and_parameters_are_HTML_encoded_on_the_job_page()
    {
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);

        var page = await viewer.GetStringAsync($"/hangfire/jobs/details/{fixture.FailedJobId}");

        page.Should().Contain("Workflow steps of local-orders-import: Failed")
            .And.Contain("&lt;img src=x onerror=alert(1)&gt;.csv")
            .And.NotContain(MarkupPath);
    }

    [Fact]
    public async Task Wrong_password_on_the_login_page_says_so_and_signs_nobody_in()
    {
        using var client = fixture.App.CreateBrowserClient();

        var response = await client.SignInAsync(TestUsers.Viewer, "wrong");

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
        (await response.Content.ReadAsStringAsync()).Should().Contain("The user name or the password is wrong.");
        (await client.GetAsync("/hangfire")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Fact]
    public async Task Login_form_without_its_antiforgery_token_is_refused()
    {
        using var client = fixture.App.CreateBrowserClient();

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["user"] = TestUsers.Viewer,
            ["password"] = TestUsers.Password,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.GetAsync("/hangfire")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    [Theory]
    [InlineData("https://elsewhere.example/")]
    [InlineData("//elsewhere.example/")]
    [InlineData("/\t/elsewhere.example/")]
    [InlineData("/\n/elsewhere.example/")]
    [InlineData("/\\elsewhere.example/")]
    [InlineData("\\\\elsewhere.example/")]
    [InlineData("/%09/elsewhere.example/")]
    [InlineData("/%2F/elsewhere.example/")]
    [InlineData("/%5Celsewhere.example/")]
    [InlineData("/hangfire\\..\\/elsewhere.example/")]
    [InlineData(" /elsewhere.example/")]
    [InlineData("/\u3000/elsewhere.example/")]
    [InlineData("/\u200b/elsewhere.example/")]
    [InlineData("hTTps:elsewhere.example")]
    [InlineData("")]
    public async Task Login_never_redirects_to_another_site(string returnUrl) =>
        (await SignInLocationAsync(returnUrl)).Should().Be("/hangfire");

    [Theory]
    [InlineData("/hangfire/jobs/succeeded")]
    [InlineData("/hangfire/jobs/details/1?tab=history&x=%2Fy")]
    [InlineData("/")]
    public async Task Login_returns_to_a_path_on_this_site(string returnUrl) =>
        (await SignInLocationAsync(returnUrl)).Should().Be(returnUrl);

    [Fact]
    public async Task Dashboard_cookie_does_not_authenticate_API_calls()
    {
        using var browser = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);

        var response = await browser.PostAsJsonAsync("/api/jobs", new { workflow = "local-orders-import" });

        response.StatusCode.Should().Be(HttpStatusCode.Unauthorized, "the API takes bearer tokens only, so another site cannot ride on the cookie");
    }

    [Fact]
    public async Task Sign_out_ends_the_dashboard_session()
    {
        using var client = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var page = await client.GetStringAsync("/account/login");
        page.Should().Contain("Signed in as <strong id=\"signed-in-user\">operator</strong>");

        var response = await client.PostAsync("/account/logout", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = DashboardClient.FormToken(page),
        }));

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        (await client.GetAsync("/hangfire")).StatusCode.Should().Be(HttpStatusCode.Redirect);
    }

    private async Task<string> SignInLocationAsync(string returnUrl)
    {
        using var client = fixture.App.CreateBrowserClient();

        var response = await client.SignInAsync(TestUsers.Viewer, TestUsers.Password, returnUrl);

        response.StatusCode.Should().Be(HttpStatusCode.Redirect);
        return response.Headers.Location!.OriginalString;
    }

    /// <summary>One service with the sample files, a Viewer and an Operator, a finished job and a failed one.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public SchedulerApp App { get; } = new(TestUsers.Settings(SchedulerApp.WithSampleFiles()));

        public HttpClient Admin { get; private set; } = null!;

        public string CompletedJobId { get; private set; } = "";

        public string FailedJobId { get; private set; } = "";

        public async Task InitializeAsync()
        {
            Admin = await App.LoginAsync();
            CompletedJobId = await Admin.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
            FailedJobId = await Admin.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", MarkupPath));
            (await Admin.WaitForEndAsync(CompletedJobId)).Text("status").Should().Be("Completed");
            (await Admin.WaitForEndAsync(FailedJobId)).Text("status").Should().Be("Failed");
        }

        public async Task DisposeAsync()
        {
            Admin.Dispose();
            await App.DisposeAsync();
        }
    }
}

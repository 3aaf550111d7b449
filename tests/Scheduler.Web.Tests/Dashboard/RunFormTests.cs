using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Scheduler.Web.Tests.Dashboard;

/// <summary>
/// The dashboard's Run form and Schedules page over HTTP: the same checks as <c>POST /api/jobs</c>, problems next to
/// their fields, Operators only, anti-forgery, escaped output, secrets never sent back.
/// </summary>
public sealed partial class RunFormTests(RunFormTests.Fixture fixture) : IClassFixture<RunFormTests.Fixture>
{
    public const string Markup = "<script>alert(1)</script>";

    [Fact]
    public async Task Viewer_sees_no_Run_form_and_a_post_with_a_valid_token_is_forbidden_and_makes_no_job()
    {
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);
        var page = await viewer.GetStringAsync(fixture.FormPath);
        var jobsBefore = await fixture.JobCountAsync();

        var response = await viewer.PostAsync(fixture.FormPath, Form(page, Valid()));

        page.Should().Contain("id=\"run-not-allowed\"").And.NotContain("<form method=\"post\" action=\"/hangfire/workflows");
        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await fixture.JobCountAsync()).Should().Be(jobsBefore);
    }

    [Fact]
    public async Task Post_without_the_antiforgery_token_is_refused_and_makes_no_job()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        await operatorClient.GetStringAsync(fixture.FormPath);
        var jobsBefore = await fixture.JobCountAsync();

        var response = await operatorClient.PostAsync(fixture.FormPath, new FormUrlEncodedContent(Valid()));

        response.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await fixture.JobCountAsync()).Should().Be(jobsBefore);
    }

    [Fact]
    public async Task Operator_gets_one_field_per_variable_and_overridable_input_with_the_secret_as_a_password_field()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);

        var page = await operatorClient.GetStringAsync(fixture.FormPath);

        FieldNames(page).Should().Equal(
            "Variables.sourceFilePath", "Variables.rowLimit", "Variables.apiToken", "Variables.dryRun", "Variables.strictMode", "FileTransferTask1.remotePath");
        page.Should().MatchRegex("<input [^>]*name=\"Variables.apiToken\" type=\"password\"")
            .And.MatchRegex("<select [^>]*name=\"Variables.dryRun\"")
            .And.Contain("Leave blank for the default: orders.csv")
            .And.Contain(">(default: false)</option>", "a bool's default shows in its blank choice")
            .And.MatchRegex("name=\"Variables.strictMode\"><option value=\"\"[^>]*>\\(default\\)</option>", "a secret bool's default does not")
            .And.Contain("&lt;script&gt;alert(1)&lt;/script&gt;", "the workflow's description is encoded")
            .And.NotContain(Markup);
    }

    [Fact]
    public async Task Bad_values_get_the_API_checks_shown_next_to_their_fields_and_the_secret_is_not_sent_back()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var page = await operatorClient.GetStringAsync(fixture.FormPath);
        var jobsBefore = await fixture.JobCountAsync();

        var response = await operatorClient.PostAsync(fixture.FormPath, Form(page, new()
        {
            ["Variables.rowLimit"] = "many",
            ["Variables.apiToken"] = "Secret-Token-Value-1",
            ["Variables.dryRun"] = "maybe",
            ["Variables.sourceFilePath"] = Markup,
        }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var answer = await response.Content.ReadAsStringAsync();
        Problems(answer, "Variables.rowLimit").Should().ContainSingle().Which.Should().Contain("'many' is not a valid int");
        Problems(answer, "Variables.dryRun").Should().ContainSingle().Which.Should().Contain("'maybe' is not a valid bool");
        Problems(answer, "Variables.apiToken").Should().BeEmpty();
        answer.Should().NotContain("Secret-Token-Value-1", "a secret typed in is never sent back")
            .And.Contain("value=\"&lt;script&gt;alert(1)&lt;/script&gt;\"", "the other values stay, encoded")
            .And.NotContain(Markup);
        (await fixture.JobCountAsync()).Should().Be(jobsBefore);
    }

    [Fact]
    public async Task The_forms_problems_are_the_messages_POST_api_jobs_gives_for_the_same_values()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var page = await operatorClient.GetStringAsync(fixture.FormPath);
        var api = await fixture.Admin.PostAsJsonAsync("/api/jobs", new
        {
            workflow = fixture.Workflow,
            parameters = new[] { JobsClient.Parameter("Variables", "rowLimit", "many") },
        });

        var form = await operatorClient.PostAsync(fixture.FormPath, Form(page, new() { ["Variables.rowLimit"] = "many" }));

        api.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await api.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        var shown = await form.Content.ReadAsStringAsync();
        Problems(shown, "Variables.rowLimit").Should().NotBeEmpty().And.Equal(errors.GetProperty("parameters[0].value").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task A_form_value_with_a_NUL_is_a_400_problem_and_makes_no_job()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var page = await operatorClient.GetStringAsync(fixture.FormPath);
        var jobsBefore = await fixture.JobCountAsync();

        var response = await operatorClient.PostAsync(fixture.FormPath, Form(page, new() { ["Variables.rowLimit"] = "5", ["Variables.sourceFilePath"] = "in/a\0b.csv" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("detail").GetString().Should().Be("The form value contains invalid characters.");
        (await fixture.JobCountAsync()).Should().Be(jobsBefore);
    }

    [Fact]
    public async Task A_blank_required_field_is_named_next_to_that_field()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var page = await operatorClient.GetStringAsync(fixture.FormPath);

        var response = await operatorClient.PostAsync(fixture.FormPath, Form(page, new() { ["Variables.rowLimit"] = "" }));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        Problems(await response.Content.ReadAsStringAsync(), "Variables.rowLimit").Should().ContainSingle().Which.Should().Contain("needs a value");
    }

    [Fact]
    public async Task A_valid_run_opens_the_new_job_and_a_second_click_opens_the_same_job()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);
        var page = await operatorClient.GetStringAsync(fixture.FormPath);

        var first = await operatorClient.PostAsync(fixture.FormPath, Form(page, Valid()));
        var again = await operatorClient.PostAsync(fixture.FormPath, Form(page, Valid()));

        first.StatusCode.Should().Be(HttpStatusCode.SeeOther, await first.Content.ReadAsStringAsync());
        var location = first.Headers.Location!.ToString();
        location.Should().MatchRegex("^/hangfire/jobs/details/[0-9]+$");
        again.Headers.Location!.ToString().Should().Be(location, "the form's run key makes a repeated post open the first job");
        var details = await fixture.Admin.WaitForEndAsync(location.Split('/')[^1]);
        details.Text("workflow").Should().Be(fixture.Workflow);
        details.GetProperty("parameters").EnumerateArray().Select(p => $"{p.Text("actionName")}.{p.Text("parameters")}={p.Text("value")}")
            .Should().BeEquivalentTo("Variables.rowLimit=5", "Variables.apiToken=***");
    }

    [Fact]
    public async Task Unknown_workflow_is_a_404_page()
    {
        using var operatorClient = await fixture.App.SignedInAsync(TestUsers.Operator, TestUsers.Password);

        var response = await operatorClient.GetAsync("/hangfire/workflows/no-such-workflow/run");

        response.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await response.Content.ReadAsStringAsync()).Should().Contain("There is no workflow named 'no-such-workflow'.");
    }

    [Fact]
    public async Task Schedules_page_lists_a_schedule_with_its_next_run_in_its_zone_and_in_UTC()
    {
        var id = DefinitionsClient.UniqueName("page");
        var saved = await fixture.Admin.PutAsJsonAsync($"/api/schedules/{id}", new
        {
            workflow = fixture.Workflow,
            cron = "30 2 * * *",
            timeZone = "Asia/Kolkata",
            parameters = new[] { JobsClient.Parameter("Variables", "rowLimit", 1) },
        });
        saved.EnsureSuccessStatusCode();
        var nextRun = (await saved.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("nextRun").GetDateTimeOffset();
        using var viewer = await fixture.App.SignedInAsync(TestUsers.Viewer, TestUsers.Password);

        var page = await viewer.GetStringAsync("/hangfire/schedules");

        var row = DashboardClient.Row(page, "data-schedule", id);
        row.Should().Contain($"{nextRun.ToOffset(TimeSpan.FromHours(5.5)):yyyy-MM-dd} 02:30:00 +05:30")
            .And.Contain($"{nextRun.UtcDateTime:yyyy-MM-dd} 21:00:00 +00:00")
            .And.Contain("Asia/Kolkata")
            .And.NotContain("Run now", "a Viewer gets no link to the Run form");
    }

    private static Dictionary<string, string> Valid() => new() { ["Variables.rowLimit"] = "5", ["Variables.apiToken"] = "Secret-Token-Value-2" };

    private static FormUrlEncodedContent Form(string page, Dictionary<string, string> values)
    {
        values["__RequestVerificationToken"] = DashboardClient.FormToken(page);
        values["runKey"] = RunKeyPattern().Match(page).Groups[1].Value;
        return new FormUrlEncodedContent(values);
    }

    private static IEnumerable<string> FieldNames(string page) =>
        FieldPattern().Matches(page).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value));

    /// <summary>The problems shown in a field's group of the form.</summary>
    private static List<string> Problems(string page, string field)
    {
        var shown = Regex.Match(page, $"id=\"problems-{Regex.Escape(field)}\"[^>]*>(.*?)</div>", RegexOptions.Singleline);
        return ProblemPattern().Matches(shown.Groups[1].Value).Select(m => WebUtility.HtmlDecode(m.Groups[1].Value)).ToList();
    }

    [GeneratedRegex("name=\"runKey\" value=\"([0-9a-f]{32})\"")]
    private static partial Regex RunKeyPattern();

    [GeneratedRegex("<(?:input|select) class=\"form-control\" id=\"[^\"]+\" name=\"([^\"]+)\"")]
    private static partial Regex FieldPattern();

    [GeneratedRegex("<li>(.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex ProblemPattern();

    /// <summary>A workflow with a field of each kind: required int, secret, bool with a default, an overridable task input.</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        public SchedulerApp App { get; } = new(TestUsers.Settings(SchedulerApp.WithSampleFiles()));

        public HttpClient Admin { get; private set; } = null!;

        public string Workflow { get; } = DefinitionsClient.UniqueName("run-form");

        public string FormPath => $"/hangfire/workflows/{Workflow}/run";

        public async Task InitializeAsync()
        {
            Admin = await App.LoginAsync();
            await Admin.PutWorkflowAsync(RunFormWorkflow(Workflow));
        }

        /// <summary>The local sample with more variables, its description markup that must be shown as text.</summary>
        public static JsonObject RunFormWorkflow(string name)
        {
            var workflow = DefinitionsClient.SampleWorkflow("local-orders-import", name);
            workflow["description"] = $"Imports orders {Markup}";
            var variables = workflow["variables"]!.AsArray();
            variables.Add(new JsonObject { ["name"] = "rowLimit", ["type"] = "int", ["required"] = true, ["description"] = "How many rows at most" });
            variables.Add(new JsonObject { ["name"] = "apiToken", ["type"] = "string", ["secret"] = true });
            variables.Add(new JsonObject { ["name"] = "dryRun", ["type"] = "bool", ["default"] = false });
            variables.Add(new JsonObject { ["name"] = "strictMode", ["type"] = "bool", ["secret"] = true, ["default"] = true });
            workflow["tasks"]![0]!["overridable"] = new JsonArray("remotePath");
            return workflow;
        }

        public async Task<long> JobCountAsync() =>
            (await Admin.GetFromJsonAsync<JsonElement>("/api/jobs?limit=1")).GetProperty("total").GetInt64();

        public async Task DisposeAsync()
        {
            Admin.Dispose();
            await App.DisposeAsync();
        }
    }
}

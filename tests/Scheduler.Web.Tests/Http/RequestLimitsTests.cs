using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Http;

/// <summary>
/// Every body has a size cap and a nesting limit, run parameters a count and a length cap, and text that no storage
/// keeps (NUL, lone surrogates) or a member the body does not have is refused where it enters: each is a problem that
/// names the cap or the field.
/// </summary>
public sealed class RequestLimitsTests(RequestLimitsTests.Fixture fixture) : IClassFixture<RequestLimitsTests.Fixture>
{
    [Theory]
    [InlineData("POST", "/api/account/login", RequestLimits.LoginBytes, "4 KiB")]
    [InlineData("POST", "/api/jobs", RequestLimits.RunRequestBytes, "64 KiB")]
    [InlineData("PUT", "/api/schedules/limits", RequestLimits.ScheduleBytes, "64 KiB")]
    [InlineData("PUT", "/api/workflows/limits", RequestLimits.DefinitionBytes, "1 MiB")]
    [InlineData("POST", "/api/dataflows/validate", RequestLimits.DefinitionBytes, "1 MiB")]
    public async Task Body_over_the_endpoints_cap_is_a_413_problem_naming_the_cap(string method, string path, int cap, string named)
    {
        var oversized = $"{{\"workflow\":\"{new string('x', cap)}\"}}";

        foreach (var chunked in new[] { false, true })
        {
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Json(oversized, chunked) };
            var response = await fixture.Admin.SendAsync(request);

            response.StatusCode.Should().Be(HttpStatusCode.RequestEntityTooLarge, $"chunked: {chunked}");
            response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
            (await Errors(response)).GetProperty("body")[0].GetString().Should().Contain(named);
        }
    }

    [Fact]
    public async Task Body_just_under_the_cap_is_read()
    {
        var padding = new string(' ', RequestLimits.LoginBytes - 100);

        var response = await fixture.Admin.PostAsync("/api/account/login", Json($"{{\"user\":\"admin\",{padding}\"password\":\"{SchedulerApp.AdminPassword}\"}}"));

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Body_that_starts_with_a_byte_order_mark_is_read()
    {
        var content = new ByteArrayContent([.. Encoding.UTF8.Preamble, .. Encoding.UTF8.GetBytes($"{{\"user\":\"admin\",\"password\":\"{SchedulerApp.AdminPassword}\"}}")]);
        content.Headers.ContentType = new("application/json");

        var response = await fixture.Admin.PostAsync("/api/account/login", content);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Theory]
    [InlineData("/api/jobs")]
    [InlineData("/api/workflows/validate")]
    public async Task JSON_nested_deeper_than_the_limit_is_a_400_naming_the_limit(string path)
    {
        var tooDeep = $"{{\"workflow\":{new string('[', RequestLimits.JsonDepth)}{new string(']', RequestLimits.JsonDepth)}}}";

        var response = await fixture.Admin.PostAsync(path, Json(tooDeep));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Errors(response)).GetProperty("body")[0].GetString().Should().Contain($"depth of {RequestLimits.JsonDepth}");
    }

    [Fact]
    public async Task NUL_and_lone_surrogates_in_a_JSON_body_are_a_400_naming_every_field()
    {
        const string body = """
            {"workflow":"local-orders-import","parameters":[
              {"actionName":"Variables","parameters":"sourceFilePath","value":"a\u0000b"},
              {"actionName":"Variables","parameters":"x\ud800","value":"c"},
              {"actionName":"Variables","parameters":"y","value":"\udc00"}]}
            """;

        var response = await fixture.Admin.PostAsync("/api/jobs", Json(body));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = await Errors(response);
        errors.GetProperty("parameters[0].value")[0].GetString().Should().Contain("NUL");
        errors.GetProperty("parameters[1].parameters")[0].GetString().Should().Contain("not valid Unicode");
        errors.GetProperty("parameters[2].value")[0].GetString().Should().Contain("not valid Unicode");
    }

    [Fact]
    public async Task NUL_in_a_definition_document_is_a_400_and_nothing_is_saved()
    {
        var response = await fixture.Admin.PutDefinitionAsync("workflows", "nul-name", """{"name":"nul-name","description":"a\u0000b","tasks":[]}""");

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Errors(response)).GetProperty("description")[0].GetString().Should().Contain("NUL");
        (await fixture.Admin.GetAsync("/api/workflows/nul-name")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    // A NUL in the path itself never reaches the service: the server (and the test server) refuse such a path.
    [Theory]
    [InlineData("/api/jobs?workflow=a%00b", "workflow")]
    [InlineData("/api/schedules/nightly?unused=%00", "unused")]
    public async Task NUL_in_the_query_string_is_a_400_naming_the_value(string path, string field)
    {
        var response = await fixture.Admin.GetAsync(path);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Errors(response)).GetProperty(field)[0].GetString().Should().Contain("NUL");
    }

    [Fact]
    public async Task Run_with_too_long_parameter_values_is_rejected_and_names_each_one()
    {
        var response = await fixture.Admin.RunAsync(
            "local-orders-import",
            Parameter("Variables", "sourceFilePath", new string('a', RunRequestChecker.MaxValueLength + 1)),
            Parameter("FileTransferTask1", "remotePath", new string('b', RunRequestChecker.MaxValueLength)),
            Parameter("FileTransferTask1", "connection", new string('c', 10 * 1024)));

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = await Errors(response);
        errors.GetProperty("parameters[0].value")[0].GetString().Should().Contain($"{RunRequestChecker.MaxValueLength}");
        errors.TryGetProperty("parameters[1].value", out _).Should().BeFalse("a value of exactly the limit is accepted");
        errors.GetProperty("parameters[2].value")[0].GetString().Should().Contain("10240 characters");
    }

    [Fact]
    public async Task Run_or_schedule_with_too_many_parameters_is_rejected_and_says_the_limit()
    {
        var parameters = Enumerable.Range(0, RunRequestChecker.MaxParameters + 1).Select(i => Parameter("Variables", "sourceFilePath", $"{i}.csv")).ToArray();

        var run = await fixture.Admin.RunAsync("local-orders-import", parameters);
        var schedule = await fixture.Admin.PutAsJsonAsync("/api/schedules/too-many", new { workflow = "local-orders-import", cron = "0 2 * * *", parameters });

        foreach (var response in new[] { run, schedule })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
            (await Errors(response)).GetProperty("parameters")[0].GetString().Should().Contain($"at most {RunRequestChecker.MaxParameters}");
        }
    }

    [Fact]
    public async Task Schedule_with_a_too_long_parameter_value_is_rejected_and_names_it()
    {
        var response = await fixture.Admin.PutAsJsonAsync("/api/schedules/long-value", new
        {
            workflow = "local-orders-import",
            cron = "0 2 * * *",
            parameters = new[] { Parameter("Variables", "sourceFilePath", new string('a', RunRequestChecker.MaxValueLength + 1)) },
        });

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await Errors(response)).GetProperty("parameters[0].value")[0].GetString().Should().Contain($"{RunRequestChecker.MaxValueLength}");
        (await fixture.Admin.GetAsync("/api/schedules/long-value")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Members_a_body_does_not_have_are_a_400_naming_each_with_the_members_allowed_there()
    {
        var run = await fixture.Admin.PostAsync("/api/jobs", Json("""
            {"workflow":"local-orders-import","paramters":[],
             "parameters":[{"actionName":"Variables","parameters":"sourceFilePath","vaule":"other.csv"}]}
            """));
        var schedule = await fixture.Admin.PutAsync("/api/schedules/unknown-member", Json("""
            {"workflow":"local-orders-import","trigger":{"type":"FileDropped","connection":"Drops","folder":"in"}}
            """));
        var login = await fixture.Admin.PostAsync("/api/account/login", Json($$"""{"user":"admin","password":"{{SchedulerApp.AdminPassword}}","remember":true}"""));

        foreach (var response in new[] { run, schedule, login })
        {
            response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        }

        var errors = await Errors(run);
        errors.GetProperty("paramters")[0].GetString().Should().Contain("'paramters' is not a member here").And.Contain("workflow, parameters");
        errors.GetProperty("parameters[0].vaule")[0].GetString().Should().Contain("actionName, parameters, value");
        (await Errors(schedule)).GetProperty("trigger.folder")[0].GetString().Should().Contain("connection, path");
        (await Errors(login)).GetProperty("remember")[0].GetString().Should().Contain("rememberMe");
        (await fixture.Admin.GetAsync("/api/schedules/unknown-member")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_schedule_as_a_GET_answered_it_can_be_sent_back()
    {
        (await fixture.Admin.PutAsJsonAsync("/api/schedules/sent-back", new { workflow = "local-orders-import", cron = "0 2 * * *" }))
            .StatusCode.Should().Be(HttpStatusCode.Created);
        var answered = await fixture.Admin.GetStringAsync("/api/schedules/sent-back");

        var sentBack = await fixture.Admin.PutAsync("/api/schedules/sent-back", Json(answered.Replace("\"0 2 * * *\"", "\"0 3 * * *\"", StringComparison.Ordinal)));

        sentBack.StatusCode.Should().Be(HttpStatusCode.OK, await sentBack.Content.ReadAsStringAsync());
        JsonDocument.Parse(answered).RootElement.TryGetProperty("nextRun", out _).Should().BeTrue("the answer has read-only members");
        (await fixture.Admin.GetFromJsonAsync<JsonElement>("/api/schedules/sent-back")).GetProperty("cron").GetString().Should().Be("0 3 * * *");
    }

    [Fact]
    public async Task A_body_with_many_unknown_members_lists_the_first_and_counts_the_rest()
    {
        var members = string.Join(",", Enumerable.Range(0, BodyShape.MaxListed + 10).Select(i => $"\"extra{i}\":1"));

        var response = await fixture.Admin.PostAsync("/api/jobs", Json($$"""{"workflow":"local-orders-import",{{members}}}"""));

        var errors = await Errors(response);
        errors.EnumerateObject().Count(e => e.Name.StartsWith("extra", StringComparison.Ordinal)).Should().Be(BodyShape.MaxListed);
        errors.GetProperty("body")[0].GetString().Should().Be("and 10 more problems of the same kinds");
    }

    [Fact]
    public async Task Values_of_the_wrong_kind_are_a_400_naming_each_in_JSONs_words()
    {
        var run = await fixture.Admin.PostAsync("/api/jobs", Json("""{"workflow":5,"parameters":{"actionName":"Variables"}}"""));
        var schedule = await fixture.Admin.PutAsync("/api/schedules/wrong-kinds", Json("""
            {"workflow":"local-orders-import","enabled":"yes","parameters":[{"actionName":["Variables"],"parameters":"sourceFilePath","value":{"any":"json"}}],
             "trigger":{"type":"FileDropped","connection":"Drops","path":"in/*.csv","pollInterval":1.5}}
            """));
        var notAnObject = await fixture.Admin.PostAsync("/api/jobs", Json("""["local-orders-import"]"""));
        var lenientLogin = await fixture.Admin.PostAsync("/api/account/login", Json($$"""{"user":"admin","password":"{{SchedulerApp.AdminPassword}}","rememberMe":1}"""));

        var runErrors = await Errors(run);
        runErrors.GetProperty("workflow")[0].GetString().Should().Be("expected a string, found the number 5");
        runErrors.GetProperty("parameters")[0].GetString().Should().Be("expected an array, found an object");
        var scheduleErrors = await Errors(schedule);
        scheduleErrors.GetProperty("enabled")[0].GetString().Should().Be("expected true or false, found a string");
        scheduleErrors.GetProperty("parameters[0].actionName")[0].GetString().Should().Be("expected a string, found an array");
        scheduleErrors.TryGetProperty("parameters[0].value", out _).Should().BeFalse("a value may be any JSON");
        scheduleErrors.GetProperty("trigger.pollInterval")[0].GetString().Should().Be("expected a whole number, found the number 1.5");
        var numberAsText = await Errors(await fixture.Admin.PutAsync("/api/schedules/wrong-kinds", Json("""{"enabled":"yes","trigger":{"pollInterval":"30"}}""")));
        numberAsText.TryGetProperty("trigger.pollInterval", out _).Should().BeFalse("the web defaults read \"30\" as 30");
        (await Errors(notAnObject)).GetProperty("body")[0].GetString().Should().Be("expected an object, found an array");
        lenientLogin.StatusCode.Should().Be(HttpStatusCode.OK, "rememberMe takes 1 and \"true\" as clients send them");
    }

    private static StringContent Json(string json, bool chunked = false)
    {
        var content = new StringContent(json, Encoding.UTF8, "application/json");
        if (chunked)
        {
            content.Headers.ContentLength = null;
            _ = content.Headers.TryAddWithoutValidation("Transfer-Encoding", "chunked");
        }

        return content;
    }

    private static async Task<JsonElement> Errors(HttpResponseMessage response)
    {
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        body.TryGetProperty("errors", out var errors).Should().BeTrue(body.ToString());
        return errors;
    }

    public sealed class Fixture : IAsyncLifetime
    {
        public SchedulerApp App { get; } = new(SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }));

        public HttpClient Admin { get; private set; } = null!;

        public async Task InitializeAsync() => Admin = await App.LoginAsync();

        public async Task DisposeAsync()
        {
            Admin.Dispose();
            await App.DisposeAsync();
        }
    }
}

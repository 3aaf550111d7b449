using System.Text.Json;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Http;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Tests.Definitions;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Tasks;

public sealed class HttpTaskTests : IAsyncLifetime, IDisposable
{
    private readonly TempFolder _folder = new();
    private PartnerApi _api = null!;

    public async Task InitializeAsync() => _api = await PartnerApi.StartAsync();

    public async Task DisposeAsync() => await _api.DisposeAsync();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public async Task A_GET_with_the_connection_token_gives_status_body_and_declared_fields_that_later_tasks_read()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "orders/${Variables.id}",
                "fields": "orderId=order.id:int, state=order.state, total=order.total:decimal, firstSku=items.0.sku, nothing=order.none" } },
            { "name": "Shipped", "type": "Decision", "dependsOn": ["Http1"], "inputs": { "expression": "Http1.state == \"shipped\" && Http1.orderId == 42" } },
            { "name": "Consume1", "type": "Consume", "inputs": { "path": "sku ${Http1.firstSku}", "size": "${Http1.orderId}", "total": "${Http1.total}" } }
            """), ("id", "42"));

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        var outputs = run.Steps["Http1"].Outputs;
        outputs["status"].Should().Be(200L);
        outputs["orderId"].Should().Be(42L);
        outputs["total"].Should().Be(12.5m);
        outputs["nothing"].Should().BeNull();
        outputs["bodyTruncated"].Should().Be(false);
        JsonDocument.Parse((string)outputs["body"]!).RootElement.GetProperty("order").GetProperty("state").GetString().Should().Be("shipped");
        run.Steps["Shipped"].Outputs[DecisionTask.Result].Should().Be(true);
        _consumed.Should().ContainSingle().Which.Should().Be("sku A-1|42|12.5");
    }

    [Fact]
    public async Task A_POST_body_gets_referenced_values_JSON_escaped_so_a_value_cannot_add_members()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "method": "POST", "url": "echo",
                "headers": "X-Trace: run-${Variables.id}", "body": "{\"name\": \"${Variables.id}\", \"admin\": false}" } }
            """), ("id", "x\", \"admin\": true, \"y\": \""));

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        using var echo = JsonDocument.Parse((string)run.Steps["Http1"].Outputs["body"]!);
        echo.RootElement.GetProperty("received").GetProperty("name").GetString().Should().Be("x\", \"admin\": true, \"y\": \"");
        echo.RootElement.GetProperty("received").GetProperty("admin").GetBoolean().Should().BeFalse();
        echo.RootElement.GetProperty("trace").GetString().Should().StartWith("run-x");
        echo.RootElement.GetProperty("contentType").GetString().Should().StartWith("application/json");
    }

    [Fact]
    public async Task A_5xx_answer_is_tried_again_with_backoff_until_it_succeeds()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "flaky", "retries": "3", "retryDelaySeconds": "0.01", "fields": "ok=ok:bool" } }
            """));

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        run.Steps["Http1"].Outputs["ok"].Should().Be(true);
        _api.CallsOf("/v1/flaky").Should().Be(3);
        run.Log.Should().Contain("attempt 1 failed (status 503)").And.Contain("attempt 2 failed (status 503)");
    }

    [Fact]
    public async Task A_POST_is_not_repeated_unless_the_task_asks_for_retries()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "method": "POST", "url": "down", "body": "{}" } }
            """));

        run.Result.Status.Should().Be(RunStatus.Failed);
        _api.CallsOf("/v1/down").Should().Be(1);
    }

    [Fact]
    public async Task A_lasting_5xx_fails_the_step_with_the_status_and_the_start_of_the_body_and_no_token()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "down", "retries": "2", "retryDelaySeconds": "0" } }
            """));

        run.Result.Status.Should().Be(RunStatus.Failed);
        run.Steps["Http1"].Error.Should().Contain("GET /v1/down answered 503 in each of 3 attempts: maintenance, you sent Bearer ***");
        (run.Result.Error + run.Log).Should().NotContain(PartnerApi.Token);
        _api.CallsOf("/v1/down").Should().Be(3);
    }

    [Fact]
    public async Task A_4xx_answer_fails_at_once()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "missing", "retryDelaySeconds": "0" } }
            """));

        run.Steps["Http1"].Error.Should().Contain("answered 404 in 1 attempt: no such order");
        _api.CallsOf("/v1/missing").Should().Be(1);
    }

    [Fact]
    public async Task An_attempt_that_takes_too_long_times_out_and_is_tried_again()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "slow", "retries": "1", "retryDelaySeconds": "0", "attemptTimeoutSeconds": "0.3" } }
            """));

        run.Steps["Http1"].Error.Should().Contain("timed out after 0.3 s in each of 2 attempts");
        _api.CallsOf("/v1/slow").Should().Be(2);
    }

    [Fact]
    public async Task A_long_answer_keeps_only_the_start_of_its_body_and_says_so()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "big" } }
            """));

        run.Result.Status.Should().Be(RunStatus.Completed, run.Result.Error);
        ((string)run.Steps["Http1"].Outputs["body"]!).Should().HaveLength(HttpCall.MaxBodyBytes);
        run.Steps["Http1"].Outputs["bodyTruncated"].Should().Be(true);
    }

    [Fact]
    public async Task A_redirect_is_not_followed_off_the_base_url()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "moved" } }
            """));

        run.Steps["Http1"].Error.Should().Contain("answered 302");
    }

    [Fact]
    public async Task A_url_from_a_variable_cannot_leave_the_base_url()
    {
        var escape = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "${Variables.id}" } }
            """), ("id", "../private"));
        var absolute = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "url": "${Variables.id}" } }
            """), ("id", "http://127.0.0.1:1/x"));

        escape.Steps["Http1"].Error.Should().Contain("must not climb out");
        absolute.Steps["Http1"].Error.Should().Contain("absolute URLs are refused");
        _api.CallsOf("/private").Should().Be(0);
    }

    [Theory]
    [InlineData("""{ "connection": "Nowhere" }""", "$.tasks[0].inputs.connection", "is not configured")]
    [InlineData("""{ "connection": "Mail" }""", "$.tasks[0].inputs.connection", "is a Smtp connection")]
    [InlineData("""{ "connection": "Partner", "url": "${Variables.nothing}" }""", "$.tasks[0].inputs.url", "names no variable")]
    [InlineData("""{ "connection": "Partner", "url": "/private" }""", "$.tasks[0].inputs", "absolute URLs are refused")]
    [InlineData("""{ "connection": "Partner", "url": "https://example.com/" }""", "$.tasks[0].inputs", "absolute URLs are refused")]
    [InlineData("""{ "connection": "Partner", "url": "a/%2e%2e/b" }""", "$.tasks[0].inputs", "must not climb out")]
    [InlineData("""{ "connection": "Partner", "method": "PATCH" }""", "$.tasks[0].inputs", "not one of GET, POST, PUT, DELETE")]
    [InlineData("""{ "connection": "Partner", "method": "GET", "body": "{}" }""", "$.tasks[0].inputs", "sends no body")]
    [InlineData("""{ "connection": "Partner", "method": "POST", "body": "{not json" }""", "$.tasks[0].inputs", "the body is not JSON")]
    [InlineData("""{ "connection": "Partner", "headers": "Authorization: Bearer mine" }""", "$.tasks[0].inputs", "cannot be written")]
    [InlineData("""{ "connection": "Partner", "headers": "no colon" }""", "$.tasks[0].inputs", "is not 'Name: value'")]
    [InlineData("""{ "connection": "Partner", "fields": "a=b:list" }""", "$.tasks[0].inputs", "has the type 'list'")]
    [InlineData("""{ "connection": "Partner", "fields": "status=x" }""", "$.tasks[0].inputs", "declared twice or is the name of an output")]
    [InlineData("""{ "connection": "Partner", "fields": "${Variables.id}" }""", "$.tasks[0].inputs", "not with ${...}")]
    [InlineData("""{ "connection": "Partner", "retries": "11" }""", "$.tasks[0].inputs", "retries 11 is out of range")]
    [InlineData("""{ "connection": "Partner", "retryDelaySeconds": "61" }""", "$.tasks[0].inputs", "retryDelaySeconds 61 is out of range")]
    [InlineData("""{ "connection": "Partner", "attemptTimeoutSeconds": "0" }""", "$.tasks[0].inputs", "attemptTimeoutSeconds 0 is out of range")]
    public void A_definition_with_a_wrong_connection_url_body_header_field_or_setting_is_rejected_at_its_path(string inputs, string path, string problem)
    {
        var problems = Harness().Validate($$"""
            { "name": "w", "variables": [ { "name": "id", "type": "string" } ], "tasks": [ { "name": "Http1", "type": "Http", "inputs": {{inputs}} } ] }
            """);

        problems.Should().Contain(p => p.Path == path && p.Message.Contains(problem, StringComparison.Ordinal), string.Join("; ", problems));
    }

    [Fact]
    public void Headers_and_fields_over_their_caps_are_rejected()
    {
        var headers = string.Join("\n", Enumerable.Range(0, RequestHeaders.MaxHeaders + 1).Select(i => $"X-H{i}: v"));
        var fields = string.Join(", ", Enumerable.Range(0, ResponseFields.MaxFields + 1).Select(i => $"f{i}=a"));

        RequestHeaders.Parse(headers).Problems.Should().ContainSingle().Which.Should().Contain($"more than the {RequestHeaders.MaxHeaders}");
        RequestHeaders.Parse(new string('a', RequestHeaders.MaxChars + 1)).Problems.Should().ContainSingle().Which.Should().Contain($"more than {RequestHeaders.MaxChars}");
        ResponseFields.Parse(fields, []).Problems.Should().ContainSingle().Which.Should().Contain($"more than the {ResponseFields.MaxFields}");
    }

    [Fact]
    public async Task A_body_over_its_cap_is_refused_before_it_is_sent()
    {
        var run = await Harness().RunAsync(Workflow("""
            { "name": "Http1", "type": "Http", "inputs": { "connection": "Partner", "method": "POST", "url": "echo", "body": "{\"a\": \"${Variables.id}\"}" } }
            """), ("id", new string('a', HttpTask.MaxRequestBodyChars)));

        run.Steps["Http1"].Error.Should().Contain($"more than {HttpTask.MaxRequestBodyChars} characters");
        _api.CallsOf("/v1/echo").Should().Be(0);
    }

    private readonly List<string> _consumed = [];

    private static string Workflow(string tasks) => $$"""
        { "name": "w", "variables": [ { "name": "id", "type": "string" } ], "tasks": [ {{tasks}} ] }
        """;

    private WorkflowHarness Harness()
    {
        var consume = TestTasks.Consume((context, _) =>
        {
            lock (_consumed)
            {
                _consumed.Add($"{context.Inputs["path"]}|{context.Inputs["size"]}|{context.Inputs["total"]}");
            }

            return Task.FromResult<IReadOnlyDictionary<string, object?>>(new Dictionary<string, object?>());
        });
        var connections = new ConnectionCatalog(new Dictionary<string, ConnectionSettings>
        {
            ["Partner"] = new() { Type = "Http", BaseUrl = _api.BaseUrl, Token = PartnerApi.Token },
            ["Mail"] = new() { Type = "Smtp", Host = "127.0.0.1" },
        });
        return new WorkflowHarness(TestTasks.Registry(new HttpTask(connections), new DecisionTask(), consume), connections, _folder.Path);
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using static Scheduler.Web.Tests.Fixtures.DefinitionsClient;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Definitions;

/// <summary>Workflows and dataflows over the API, stored as versions in PostgreSQL, as an administrator manages them.</summary>
public sealed class DefinitionsApiTests(ProductionStackFixture stack) : IClassFixture<ProductionStackFixture>
{
    [Fact]
    public async Task The_definitions_folder_is_imported_at_start_and_listed_as_valid_versions()
    {
        using var client = await stack.App.LoginAsync();

        var workflows = await client.GetFromJsonAsync<JsonElement>("/api/workflows");
        var dataflows = await client.GetFromJsonAsync<JsonElement>("/api/dataflows");

        var orders = workflows.EnumerateArray().Single(w => w.Text("name") == "orders-import");
        orders.GetProperty("version").GetInt32().Should().Be(1);
        orders.GetProperty("valid").GetBoolean().Should().BeTrue();
        orders.Text("updatedBy").Should().Be("definitions folder");
        dataflows.EnumerateArray().Select(d => d.Text("name")).Should().Contain(["orders-to-postgres", "orders-to-csv"]);
        (await stack.ScalarAsync<long>(stack.SchedulerDatabase, "SELECT count(*) FROM scheduler.definitions WHERE name = 'orders-import'")).Should().Be(1);
    }

    [Fact]
    public async Task An_invalid_workflow_is_refused_with_every_problem_at_its_path_and_nothing_is_saved()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("broken");
        var workflow = SampleWorkflow("orders-import", name);
        workflow["tasks"]![0]!["type"] = "Teleport";
        workflow["tasks"]![1]!["inputs"]!["filePath"] = "${Variables.nope}";

        var response = await client.PutDefinitionAsync("workflows", name, workflow.ToJsonString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        var errors = problem.GetProperty("errors");
        errors.GetProperty("$.tasks[0].type")[0].GetString().Should().Contain("Teleport");
        errors.GetProperty("$.tasks[1].inputs.filePath")[0].GetString().Should().Contain("nope");
        (await client.GetAsync($"/api/workflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Validate_returns_every_problem_without_saving_and_a_valid_document_has_none()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("checked");
        var workflow = SampleWorkflow("orders-import", name);
        workflow["tasks"]![1]!["inputs"]!["dataflow"] = "no-such-dataflow";

        var invalid = await ValidateAsync(client, "workflows", workflow.ToJsonString());
        var valid = await ValidateAsync(client, "workflows", SampleWorkflow("orders-import", name).ToJsonString());
        var dataflow = await ValidateAsync(client, "dataflows", """{"name":"x","source":{"type":"Csv","columns":[{"name":"a","type":"money"}]}}""");
        var toFile = SampleWorkflow("local-orders-import", name);
        toFile["tasks"]![1]!["inputs"]!["table"] = "orders_copy";
        var tableForAFile = await ValidateAsync(client, "workflows", toFile.ToJsonString());

        invalid.GetProperty("valid").GetBoolean().Should().BeFalse();
        invalid.GetProperty("problems").EnumerateArray().Should().Contain(p => p.Text("path") == "$.tasks[1].inputs" && p.Text("message")!.Contains("no-such-dataflow"));
        valid.GetProperty("valid").GetBoolean().Should().BeTrue();
        valid.GetProperty("problems").GetArrayLength().Should().Be(0);
        dataflow.GetProperty("problems").EnumerateArray().Should().Contain(p => p.Text("path")!.StartsWith("$.", StringComparison.Ordinal));
        tableForAFile.GetProperty("problems").EnumerateArray().Should().ContainSingle()
            .Which.Text("message").Should().Contain("applies to a PostgreSql destination");
        (await client.GetAsync($"/api/workflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Each_put_makes_a_new_version_and_older_versions_stay_readable()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("versioned");
        var workflow = SampleWorkflow("orders-import", name);

        var first = await client.PutWorkflowAsync(workflow);
        workflow["description"] = "second edition";
        var second = await client.PutWorkflowAsync(workflow);

        first.GetProperty("version").GetInt32().Should().Be(1);
        second.GetProperty("version").GetInt32().Should().Be(2);
        second.Text("createdBy").Should().Be("admin");
        var latest = await client.GetFromJsonAsync<JsonElement>($"/api/workflows/{name}");
        latest.GetProperty("document").Text("description").Should().Be("second edition");
        var old = await client.GetFromJsonAsync<JsonElement>($"/api/workflows/{name}?version=1");
        old.GetProperty("document").Text("description").Should().NotBe("second edition");
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/workflows/{name}/versions");
        history.EnumerateArray().Select(v => v.GetProperty("version").GetInt32()).Should().Equal(2, 1);
        (await client.GetAsync($"/api/workflows/{name}?version=9")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_job_records_the_version_of_the_workflow_it_ran()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("tracked");
        var workflow = SampleWorkflow("orders-import", name);
        await client.PutWorkflowAsync(workflow);
        workflow["description"] = "v2";
        await client.PutWorkflowAsync(workflow);

        var jobId = await client.StartAsync(name, Parameter("Variables", "sourceFilePath", stack.UploadOrders()));
        var details = await client.WaitForEndAsync(jobId);

        details.Text("status").Should().Be("Completed", details.ToString());
        details.GetProperty("workflowVersion").GetInt32().Should().Be(2);
    }

    [Fact]
    public async Task A_deleted_workflow_cannot_run_and_its_history_is_kept()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("deleted");
        await client.PutWorkflowAsync(SampleWorkflow("orders-import", name));

        var deleted = await client.DeleteAsync($"/api/workflows/{name}");
        var again = await client.DeleteAsync($"/api/workflows/{name}");

        deleted.StatusCode.Should().Be(HttpStatusCode.NoContent);
        again.StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.GetAsync($"/api/workflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
        (await client.RunAsync(name, Parameter("Variables", "sourceFilePath", "in/x.csv"))).StatusCode.Should().Be(HttpStatusCode.NotFound);
        var history = await client.GetFromJsonAsync<JsonElement>($"/api/workflows/{name}/versions");
        history[0].GetProperty("deleted").GetBoolean().Should().BeTrue();
        (await client.GetFromJsonAsync<JsonElement>($"/api/workflows/{name}?version=1")).GetProperty("version").GetInt32().Should().Be(1);
    }

    [Fact]
    public async Task A_secret_variables_default_is_masked_when_read_and_kept_when_the_workflow_is_sent_back_as_read()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("secret-default");
        var workflow = SampleWorkflow("orders-import", name);
        workflow["variables"]![0]!["secret"] = true;
        workflow["variables"]![0]!["default"] = "in/h1dden-default.csv";
        (await client.PutDefinitionAsync("workflows", name, workflow.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.OK);

        var read = await client.GetStringAsync($"/api/workflows/{name}");
        var document = JsonNode.Parse(read)!["document"]!;
        document["description"] = "changed after reading";
        var resent = await client.PutDefinitionAsync("workflows", name, document.ToJsonString());

        read.Should().NotContain("h1dden").And.Contain("\"default\":\"***\"");
        resent.StatusCode.Should().Be(HttpStatusCode.OK, await resent.Content.ReadAsStringAsync());
        (await resent.Content.ReadAsStringAsync()).Should().NotContain("h1dden");
        (await stack.ScalarAsync<string>(stack.SchedulerDatabase, $"SELECT document::text FROM scheduler.definitions WHERE key = lower('{name}') ORDER BY version DESC LIMIT 1"))
            .Should().Contain("in/h1dden-default.csv").And.Contain("changed after reading");

        var fresh = SampleWorkflow("orders-import", UniqueName("secret-default"));
        fresh["variables"]![0]!["secret"] = true;
        fresh["variables"]![0]!["default"] = "***";
        var refused = await client.PutDefinitionAsync("workflows", fresh["name"]!.GetValue<string>(), fresh.ToJsonString());
        refused.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await refused.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("$.variables[0].default")[0].GetString()
            .Should().Contain("give the value itself");

        // Ways around the restore: the mask escaped, the variable made secret only in a member the loader reads last as
        // false, a default written twice. None saves *** or puts the kept default where the loader would show it.
        var escaped = document.ToJsonString().Replace("\"***\"", "\"\\u002a**\"", StringComparison.Ordinal);
        var notSecret = document.ToJsonString().Replace("\"secret\":true", "\"secret\":true,\"Secret\":false", StringComparison.Ordinal);
        var twice = document.ToJsonString().Replace("\"default\":\"***\"", "\"default\":\"***\",\"default\":\"***\"", StringComparison.Ordinal);
        (await client.PutDefinitionAsync("workflows", name, escaped)).StatusCode.Should().Be(HttpStatusCode.OK, "an escaped mask is still the mask");
        (await client.PutDefinitionAsync("workflows", name, notSecret)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await client.PutDefinitionAsync("workflows", name, twice)).StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await stack.ScalarAsync<string>(stack.SchedulerDatabase, $"SELECT document::text FROM scheduler.definitions WHERE key = lower('{name}') ORDER BY version DESC LIMIT 1"))
            .Should().Contain("in/h1dden-default.csv").And.NotContain("\"***\"");
    }

    [Fact]
    public async Task A_document_sent_under_another_name_or_not_as_JSON_is_refused()
    {
        using var client = await stack.App.LoginAsync();

        var renamed = await client.PutDefinitionAsync("workflows", UniqueName("other"), SampleWorkflow("orders-import", "orders-import").ToJsonString());
        var malformed = await client.PutDefinitionAsync("dataflows", "bad", "{ not json");

        renamed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await renamed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").GetProperty("$.name")[0].GetString().Should().Contain("must match");
        malformed.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await malformed.Content.ReadAsStringAsync()).Should().Contain("malformed");
    }

    [Fact]
    public async Task A_dataflow_put_over_the_API_is_used_by_the_next_job()
    {
        using var client = await stack.App.LoginAsync();
        var dataflowName = UniqueName("flow");
        var dataflow = JsonNode.Parse(File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "dataflows", "orders-to-postgres.json"))))!.AsObject();
        dataflow["name"] = dataflowName;
        dataflow["destination"]!["table"] = "orders_copy";
        var workflowName = UniqueName("uses-flow");
        var workflow = SampleWorkflow("orders-import", workflowName);
        workflow["tasks"]![1]!["inputs"]!["dataflow"] = dataflowName;

        var refusedFirst = await client.PutDefinitionAsync("workflows", workflowName, workflow.ToJsonString());
        (await client.PutDefinitionAsync("dataflows", dataflowName, dataflow.ToJsonString())).StatusCode.Should().Be(HttpStatusCode.OK);
        await client.PutWorkflowAsync(workflow);
        var details = await client.WaitForEndAsync(await client.StartAsync(workflowName, Parameter("Variables", "sourceFilePath", stack.UploadOrders())));

        refusedFirst.StatusCode.Should().Be(HttpStatusCode.BadRequest, "the dataflow did not exist yet");
        details.Text("status").Should().Be("Completed", details.ToString());
        (await stack.ScalarAsync<long>(stack.WarehouseDatabase, "SELECT count(*) FROM orders_copy")).Should().Be(20);
    }

    [Fact]
    public async Task A_connection_that_is_not_configured_or_of_the_wrong_type_is_a_400_at_its_path()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("conn");
        var unknown = SampleWorkflow("orders-import", name);
        unknown["tasks"]![0]!["inputs"]!["connection"] = "NoSuchFtp";
        var database = SampleWorkflow("orders-import", name);
        database["tasks"]![0]!["inputs"]!["connection"] = "Warehouse";
        var fromVariable = SampleWorkflow("orders-import", name);
        fromVariable["variables"]!.AsArray().Add(JsonNode.Parse("""{ "name": "inbox", "default": "NoSuchFtp" }"""));
        fromVariable["tasks"]![0]!["inputs"]!["connection"] = "${Variables.inbox}";

        var unknownResponse = await client.PutDefinitionAsync("workflows", name, unknown.ToJsonString());
        var databaseResponse = await client.PutDefinitionAsync("workflows", name, database.ToJsonString());
        var fromVariableResponse = await client.PutDefinitionAsync("workflows", name, fromVariable.ToJsonString());

        unknownResponse.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await ErrorAt(unknownResponse, "$.tasks[0].inputs.connection")).Should().Contain("'NoSuchFtp' is not configured").And.Contain("OrdersFtp");
        (await ErrorAt(databaseResponse, "$.tasks[0].inputs.connection")).Should().Contain("'Warehouse' is a PostgreSql connection");
        (await ErrorAt(fromVariableResponse, "$.tasks[0].inputs.connection")).Should().Contain("default of ${Variables.inbox}").And.Contain("NoSuchFtp");
        (await client.GetAsync($"/api/workflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Theory]
    [InlineData("orders-to-postgres", "destination")]
    [InlineData("orders-export", "source")]
    public async Task A_dataflows_destination_or_query_source_needs_a_configured_PostgreSql_connection(string sample, string part)
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("flow-conn");
        var dataflow = JsonNode.Parse(File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "dataflows", $"{sample}.json"))))!.AsObject();
        dataflow["name"] = name;
        dataflow[part]!["connection"] = "OrdersFtp";
        var wrongType = dataflow.ToJsonString();
        dataflow[part]!["connection"] = "Nowhere";
        dataflow["maxErrors"] = -1;

        var wrongTypeResponse = await client.PutDefinitionAsync("dataflows", name, wrongType);
        var checkedTogether = await ValidateAsync(client, "dataflows", dataflow.ToJsonString());

        (await ErrorAt(wrongTypeResponse, $"$.{part}.connection")).Should().Contain("'OrdersFtp' is a Ftp connection");
        var problems = checkedTogether.GetProperty("problems").EnumerateArray().ToList();
        problems.Select(p => p.Text("path")).Should().Contain([$"$.{part}.connection", "$.maxErrors"]);
        problems.Single(p => p.Text("path") == $"$.{part}.connection").Text("message").Should().Contain("'Nowhere' is not configured");
        (await client.GetAsync($"/api/dataflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_bad_variable_type_or_default_is_reported_together_with_every_other_problem()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("all-problems");
        var workflow = SampleWorkflow("orders-import", name);
        workflow["variables"]![0]!["type"] = "text";
        workflow["variables"]!.AsArray().Add(JsonNode.Parse("""{ "name": "limit", "type": "int", "default": "many" }"""));
        workflow["tasks"]![0]!["inputs"]!["connection"] = "NoSuchFtp";
        workflow["tasks"]![1]!["inputs"]!["dataflow"] = "no-such-dataflow";

        var response = await client.PutDefinitionAsync("workflows", name, workflow.ToJsonString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(
            "$.variables[0].type", "$.variables[1].default", "$.tasks[0].inputs.connection", "$.tasks[1].inputs");
    }

    [Fact]
    public async Task A_notification_mail_without_a_configured_Smtp_connection_or_with_a_bad_reference_is_a_400_at_its_path()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("notify");
        var workflow = SampleWorkflow("orders-import", name);
        workflow["onFailure"] = JsonNode.Parse("""
            [ { "name": "MailOps", "type": "SendMail", "inputs": { "connection": "OpsMail", "to": "ops@example.com", "subject": "${Job.status}", "body": "${Job.reason}" } },
              { "name": "Hook", "type": "Http", "inputs": { "connection": "Warehouse", "url": "https://elsewhere.example/" } } ]
            """);

        var response = await client.PutDefinitionAsync("workflows", name, workflow.ToJsonString());

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.GetProperty("$.onFailure[0].inputs.connection").ToString().Should().Contain("'OpsMail' is not configured");
        errors.GetProperty("$.onFailure[0].inputs.body").ToString().Should().Contain("the job has status and error");
        errors.GetProperty("$.onFailure[1].inputs.connection").ToString().Should().Contain("'Warehouse' is a PostgreSql connection");
        errors.GetProperty("$.onFailure[1].inputs").ToString().Should().Contain("absolute URLs are refused");
        (await client.GetAsync($"/api/workflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Each_new_task_types_connection_and_references_are_checked_when_saved_at_their_paths()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("new-types");
        var workflow = $$"""
            { "name": "{{name}}", "variables": [ { "name": "since", "type": "datetime" } ], "tasks": [
              { "name": "Merge", "type": "RunSql", "inputs": { "connection": "NoSuchDb", "sql": "SELECT @since", "parameters": "since:datetime", "since": "${Nope.value}" } },
              { "name": "Archive", "type": "FileSystem", "inputs": { "action": "Copy", "connection": "Warehouse", "path": "a.csv", "target": "b.csv", "targetConnection": "NoSuchFolder" } },
              { "name": "Notify", "type": "Http", "dependsOn": [ "Merge" ], "inputs": { "connection": "OrdersFtp", "url": "orders/${Merge.nope}" } },
              { "name": "Mail", "type": "SendMail", "inputs": { "connection": "SampleFiles", "to": "${Variables.nobody}", "subject": "s", "body": "b" } } ] }
            """;

        var response = await client.PutDefinitionAsync("workflows", name, workflow);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo(
            "$.tasks[0].inputs.connection", "$.tasks[0].inputs.since", "$.tasks[1].inputs.connection", "$.tasks[1].inputs.targetConnection",
            "$.tasks[2].inputs.connection", "$.tasks[2].inputs.url", "$.tasks[3].inputs.connection", "$.tasks[3].inputs.to");
        errors.GetProperty("$.tasks[0].inputs.connection").ToString().Should().Contain("'NoSuchDb' is not configured");
        errors.GetProperty("$.tasks[1].inputs.connection").ToString().Should().Contain("'Warehouse' is a PostgreSql connection");
        errors.GetProperty("$.tasks[1].inputs.targetConnection").ToString().Should().Contain("'NoSuchFolder' is not configured");
        errors.GetProperty("$.tasks[2].inputs.connection").ToString().Should().Contain("'OrdersFtp' is a Ftp connection");
        errors.GetProperty("$.tasks[3].inputs.connection").ToString().Should().Contain("'SampleFiles' is a Local connection");
        (await client.GetAsync($"/api/workflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_Excel_dataflow_with_a_bad_sheet_header_row_or_option_is_a_400_at_each_path_and_nothing_is_saved()
    {
        using var client = await stack.App.LoginAsync();
        var name = UniqueName("excel");

        var response = await client.PutDefinitionAsync("dataflows", name, $$"""
            { "name": "{{name}}", "source": { "type": "Excel", "sheet": "", "headerRow": 0, "delimiter": ";", "columns": [ { "name": "id", "type": "int" } ] },
              "destination": { "type": "CsvFile", "path": "output/orders.csv" } }
            """);

        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.EnumerateObject().Select(e => e.Name).Should().BeEquivalentTo("$.source.sheet", "$.source.headerRow", "$.source.delimiter");
        errors.GetProperty("$.source.sheet").ToString().Should().Contain("a sheet name has 1 to 31 characters");
        (await client.GetAsync($"/api/dataflows/{name}")).StatusCode.Should().Be(HttpStatusCode.NotFound);
    }

    private static async Task<string> ErrorAt(HttpResponseMessage response, string path)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var errors = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
        errors.TryGetProperty(path, out var messages).Should().BeTrue(errors.ToString());
        return string.Join(" | ", messages.EnumerateArray().Select(m => m.GetString()));
    }

    private static async Task<JsonElement> ValidateAsync(HttpClient client, string kind, string json)
    {
        var response = await client.PostAsync($"/api/{kind}/validate", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }
}

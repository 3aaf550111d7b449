using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>Definition calls as an HTTP client makes them, and sample documents to change.</summary>
public static class DefinitionsClient
{
    public static Task<HttpResponseMessage> PutDefinitionAsync(this HttpClient client, string kind, string name, string json) =>
        client.PutAsync($"/api/{kind}/{name}", new StringContent(json, Encoding.UTF8, "application/json"));

    public static async Task<JsonElement> PutWorkflowAsync(this HttpClient client, JsonObject workflow)
    {
        var response = await client.PutDefinitionAsync("workflows", workflow["name"]!.GetValue<string>(), workflow.ToJsonString());
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadFromJsonAsync<JsonElement>();
    }

    /// <summary>A sample workflow under a new name, to change without touching the samples other tests run.</summary>
    public static JsonObject SampleWorkflow(string sample, string name)
    {
        var workflow = JsonNode.Parse(File.ReadAllText(SchedulerApp.RepositoryFolder(Path.Combine("samples", "workflows", $"{sample}.json"))))!.AsObject();
        workflow["name"] = name;
        return workflow;
    }

    /// <summary>The canonical workflow under a new name, downloading through <paramref name="connection"/>: a run request cannot switch it.</summary>
    public static async Task<string> PutOrdersImportThroughAsync(this HttpClient client, string connection)
    {
        var workflow = SampleWorkflow("orders-import", UniqueName("orders-via"));
        workflow["tasks"]![0]!["inputs"]!["connection"] = connection;
        await client.PutWorkflowAsync(workflow);
        return workflow["name"]!.GetValue<string>();
    }

    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];
}

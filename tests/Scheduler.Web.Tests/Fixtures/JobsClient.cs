using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Testing;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>The calls a user makes in the canonical scenario, as an HTTP client makes them.</summary>
public static class JobsClient
{
    public static object Parameter(string actionName, string parameter, object? value) =>
        new { actionName, parameters = parameter, value };

    public static Task<HttpResponseMessage> RunAsync(this HttpClient client, string workflow, params object[] parameters) =>
        client.PostAsJsonAsync("/api/jobs", new { workflow, parameters });

    /// <summary>A run request sent with an <c>Idempotency-Key</c>, as a client that retries until it gets an answer sends it.</summary>
    public static Task<HttpResponseMessage> RunWithKeyAsync(this HttpClient client, string key, string workflow, params object[] parameters)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs") { Content = JsonContent.Create(new { workflow, parameters }) };
        request.Headers.Add("Idempotency-Key", key);
        return client.SendAsync(request);
    }

    public static async Task<string> StartAsync(this HttpClient client, string workflow, params object[] parameters)
    {
        var response = await client.RunAsync(workflow, parameters);
        response.StatusCode.Should().Be(HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString()!;
    }

    /// <summary>Polls the status until the job has ended, and returns its details.</summary>
    public static async Task<JsonElement> WaitForEndAsync(this HttpClient client, string jobId)
    {
        await Eventually.GetAsync(
            cancellation => client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status", cancellation),
            status => status.GetProperty("status").GetString() is "Completed" or "Failed" or "Cancelled",
            $"job {jobId} to end");
        return await client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
    }

    public static JsonElement Step(this JsonElement details, string name) =>
        details.GetProperty("steps").EnumerateArray().Single(s => s.GetProperty("name").GetString() == name);

    public static string? Text(this JsonElement element, string property) =>
        element.GetProperty(property).ValueKind == JsonValueKind.Null ? null : element.GetProperty(property).ToString();

    /// <summary>The <c>errors</c> of a 400 validation problem, after checking that the answer is one.</summary>
    public static async Task<JsonElement> ErrorsOf(HttpResponseMessage response)
    {
        response.StatusCode.Should().Be(HttpStatusCode.BadRequest, await response.Content.ReadAsStringAsync());
        response.Content.Headers.ContentType!.MediaType.Should().Be("application/problem+json");
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors");
    }
}

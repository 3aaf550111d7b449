using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Scheduler.Bench;

/// <summary>A signed-in client of the Web node's API, as a user's script would be.</summary>
internal sealed class ApiClient : IDisposable
{
    private readonly HttpClient _http;

    private ApiClient(HttpClient http) => _http = http;

    public static async Task<ApiClient> LoginAsync(Stack stack)
    {
        var http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) })
        {
            BaseAddress = stack.Web!.Address,
            Timeout = TimeSpan.FromSeconds(30),
        };
        using var response = await http.PostAsJsonAsync("/api/account/login", new { user = "admin", password = stack.Password });
        response.EnsureSuccessStatusCode();
        var token = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return new ApiClient(http);
    }

    /// <summary>A run request; the job id when it was accepted (202, or 200 for a repeated idempotency key), else null.</summary>
    public async Task<(HttpStatusCode Status, string? JobId)> RunAsync(string workflow, string file, string? idempotencyKey = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/jobs")
        {
            Content = JsonContent.Create(new
            {
                workflow,
                parameters = new[] { new { actionName = "Variables", parameters = "file", value = file } },
            }),
        };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        using var response = await _http.SendAsync(request);
        return response.StatusCode is HttpStatusCode.Accepted or HttpStatusCode.OK
            ? (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("jobId").GetString())
            : (response.StatusCode, null);
    }

    public void Dispose() => _http.Dispose();
}

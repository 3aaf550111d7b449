using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>A Viewer and an Operator configured the way an operator would: <c>Auth:Users</c> with password hashes.</summary>
public static class TestUsers
{
    public const string Viewer = "viewer";
    public const string Operator = "operator";
    public const string Password = "Test-User-Password-1";

    public static readonly string PasswordHash = UserDirectory.Hash(Password);

    public static Dictionary<string, string?> Settings(IDictionary<string, string?>? more = null)
    {
        var settings = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase)
        {
            [$"Auth:Users:{Viewer}:PasswordHash"] = PasswordHash,
            [$"Auth:Users:{Viewer}:Roles:0"] = Roles.Viewer,
            [$"Auth:Users:{Operator}:PasswordHash"] = PasswordHash,
            [$"Auth:Users:{Operator}:Roles:0"] = Roles.Operator,
        };
        foreach (var (key, value) in more ?? new Dictionary<string, string?>())
        {
            settings[key] = value;
        }

        return settings;
    }

    /// <summary>The same settings as environment variables, for a service started as a process.</summary>
    public static Dictionary<string, string> Environment() =>
        Settings().ToDictionary(s => s.Key.Replace(":", "__", StringComparison.Ordinal), s => s.Value!);

    public static async Task<HttpClient> LoginAsAsync(this SchedulerApp app, string user, string password = Password)
    {
        var client = app.CreateClient();
        var response = await client.PostAsJsonAsync("/api/account/login", new { user, password });
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", body.GetProperty("access_token").GetString());
        return client;
    }
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Tests.Accounts;

/// <summary>Users and roles come from configuration, with hashes made by the service's own hash-password command.</summary>
public sealed class UsersAndRolesTests
{
    [Theory]
    [InlineData(TestUsers.Viewer, "Viewer")]
    [InlineData(TestUsers.Operator, "Operator")]
    [InlineData("VIEWER", "Viewer")]
    public async Task Configured_users_log_in_with_their_roles(string user, string role)
    {
        await using var app = new SchedulerApp(TestUsers.Settings(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }));
        using var client = app.CreateClient();

        var response = await client.PostAsJsonAsync("/api/account/login", new { user, password = TestUsers.Password });

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var login = await response.Content.ReadFromJsonAsync<JsonElement>();
        login.GetProperty("roles").EnumerateArray().Select(r => r.GetString()).Should().Equal(role);
        (await client.PostAsJsonAsync("/api/account/login", new { user, password = "wrong" })).StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task A_token_carries_the_rights_its_user_has_now_not_those_at_sign_in()
    {
        const string SigningKey = "users-and-roles-signing-key-of-32-characters";
        Dictionary<string, string?> Settings(string? operatorRole) => TestUsers.Settings(new Dictionary<string, string?>
            {
                ["Scheduler:WorkerCount"] = "0",
                ["Auth:SigningKey"] = SigningKey,
                [$"Auth:Users:{TestUsers.Operator}:Roles:0"] = operatorRole,
            })
            .Where(setting => operatorRole is not null || !setting.Key.StartsWith($"Auth:Users:{TestUsers.Operator}:", StringComparison.Ordinal))
            .ToDictionary();
        string token;
        await using (var before = new SchedulerApp(Settings(Roles.Operator)))
        {
            using var client = before.CreateClient();
            var login = await client.PostAsJsonAsync("/api/account/login", new { user = TestUsers.Operator, password = TestUsers.Password, rememberMe = true });
            token = (await login.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("access_token").GetString()!;
        }

        await using var demoted = new SchedulerApp(Settings(Roles.Viewer));
        await using var removed = new SchedulerApp(Settings(null));
        async Task<HttpStatusCode> StatusAsync(SchedulerApp app, HttpMethod method, string path)
        {
            using var client = app.CreateClient();
            using var request = new HttpRequestMessage(method, path) { Content = method == HttpMethod.Post ? JsonContent.Create(new { workflow = "none" }) : null };
            request.Headers.Authorization = new("Bearer", token);
            using var response = await client.SendAsync(request);
            return response.StatusCode;
        }

        (await StatusAsync(demoted, HttpMethod.Get, "/api/jobs")).Should().Be(HttpStatusCode.OK);
        (await StatusAsync(demoted, HttpMethod.Post, "/api/jobs")).Should().Be(HttpStatusCode.Forbidden, "an Operator made a Viewer runs nothing more");
        (await StatusAsync(removed, HttpMethod.Get, "/api/jobs")).Should().Be(HttpStatusCode.Unauthorized, "a user no longer configured is nobody");
    }

    [Fact]
    public async Task Bad_user_configuration_stops_the_start_with_a_message_naming_every_problem()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>
        {
            ["Auth:Users:alice:PasswordHash"] = TestUsers.PasswordHash,
            ["Auth:Users:alice:Roles:0"] = "Superuser",
            ["Auth:Users:bob:PasswordHash"] = "bm90IGEgaGFzaA==",
            ["Auth:Users:bob:Roles:0"] = "Viewer",
            ["Auth:Users:carol:PasswordHash"] = "not base64!",
            ["Auth:Users:dave:PasswordHash"] = TestUsers.PasswordHash,
            ["Auth:Users:admin:PasswordHash"] = TestUsers.PasswordHash,
            ["Auth:Users:admin:Roles:0"] = "Admin",
            ["Auth:Lockout:MaxFailures"] = "3",
        });

        var failure = app.StartRefusal().Should().BeOfType<OptionsValidationException>().Which;
        failure.Failures.Should().Contain(f => f.Contains("Auth:Users:alice:Roles", StringComparison.Ordinal) && f.Contains("'Superuser'", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Auth:Users:bob:PasswordHash", StringComparison.Ordinal) && f.Contains("format", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Auth:Users:carol:PasswordHash", StringComparison.Ordinal) && f.Contains("Base64", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Auth:Users:carol:Roles is empty", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Auth:Users:dave:Roles is empty", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Auth:Users:admin", StringComparison.Ordinal) && f.Contains("Auth:AdminPassword", StringComparison.Ordinal))
            .And.Contain(f => f.Contains("Auth:Lockout:MaxFailures is not a setting", StringComparison.Ordinal) && f.Contains("MaxFailuresPerUser", StringComparison.Ordinal));
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Hash_password_command_reads_stdin_and_prints_a_hash_that_signs_the_user_in()
    {
        var (exitCode, output, hint) = await HashPasswordAsync("Correct horse battery staple\n");

        exitCode.Should().Be(0, hint);
        var hash = output.Trim();
        output.Should().Be(hash + Environment.NewLine, "standard output holds the hash alone, for $(...)");
        PasswordHashFormat.ProblemWith(hash).Should().BeNull();
        hint.Should().Contain("Auth:Users:{name}:PasswordHash");
        await using var app = new SchedulerApp(new Dictionary<string, string?>
        {
            ["Scheduler:WorkerCount"] = "0",
            ["Auth:Users:erin:PasswordHash"] = hash,
            ["Auth:Users:erin:Roles:0"] = "Operator",
        });
        using var client = app.CreateClient();
        (await client.PostAsJsonAsync("/api/account/login", new { user = "erin", password = "Correct horse battery staple" }))
            .StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Hash_password_command_refuses_an_empty_password()
    {
        var (exitCode, output, error) = await HashPasswordAsync("");

        exitCode.Should().Be(1);
        output.Should().BeEmpty();
        error.Should().Contain("No password given");
    }

    [Fact]
    public async Task The_READMEs_hash_password_command_through_dotnet_run_leaves_the_hash_alone_on_stdout()
    {
        // As README writes it, on the build these tests run with (bin/{configuration}/net10.0): without
        // --no-launch-profile, dotnet run itself writes "Using launch settings from ..." to stdout first.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var (exitCode, output, error) = await HashPasswordAsync(
            "Correct horse battery staple\n",
            "run", "--no-build", "-c", configuration, "--project", SchedulerApp.RepositoryFolder("Scheduler.Web"), "--no-launch-profile", "--", PasswordHashCommand.Name);

        exitCode.Should().Be(0, error);
        var hash = output.Trim();
        output.Should().Be(hash + Environment.NewLine, "HASH=$(... | dotnet run ...) must capture the hash alone");
        PasswordHashFormat.ProblemWith(hash).Should().BeNull();
    }

    private static async Task<(int ExitCode, string Output, string Error)> HashPasswordAsync(string input, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet", arguments.Length > 0 ? arguments : ["Scheduler.Web.dll", PasswordHashCommand.Name])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        await process.StandardInput.WriteAsync(input);
        process.StandardInput.Close();
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output, await error);
    }
}

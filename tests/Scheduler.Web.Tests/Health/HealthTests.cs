using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Npgsql;
using Scheduler.Testing;

namespace Scheduler.Web.Tests.Health;

/// <summary>Anonymous liveness and readiness for orchestrators: readiness means the database answers and the Hangfire server beats.</summary>
public sealed class HealthTests : IDisposable
{
    // The shared test cluster has a hundred connections; idle pooled ones of these short-lived services are let go.
    public void Dispose() => NpgsqlConnection.ClearAllPools();

    [Fact]
    public async Task Live_and_ready_answer_anonymously_when_PostgreSQL_answers_and_the_server_beats()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("health"),
            ["Scheduler:WorkerCount"] = "1",
        });
        using var client = app.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        var ready = await WaitForReadyAsync(client);

        ready.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString().Should().Be("Healthy");
        ready.GetProperty("checks").GetProperty("hangfire-server").GetProperty("status").GetString().Should().Be("Healthy");
        ready.GetProperty("checks").GetProperty("workers").GetProperty("status").GetString().Should().Be("Healthy");
    }

    [Fact]
    public async Task Ready_is_503_and_names_PostgreSQL_when_the_database_refuses_connections_while_live_stays_200()
    {
        var database = await PostgresServer.Shared.CreateDatabaseAsync("health");
        var name = new NpgsqlConnectionStringBuilder(database).Database!;
        await using var app = new SchedulerApp(new Dictionary<string, string?> { ["ConnectionStrings:Scheduler"] = database, ["Scheduler:WorkerCount"] = "1" });
        using var client = app.CreateClient();
        await WaitForReadyAsync(client);

        await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS false; SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'");
        try
        {
            var response = await client.GetAsync("/health/ready");

            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
            var body = await response.Content.ReadFromJsonAsync<JsonElement>();
            body.GetProperty("checks").GetProperty("postgresql").GetProperty("status").GetString().Should().Be("Unhealthy");
            body.GetProperty("checks").GetProperty("postgresql").GetProperty("description").GetString()
                .Should().MatchRegex(@"^PostgreSQL does not answer \(SQLSTATE \w{5}\); the service's log says more$", "an anonymous caller learns no database name, host or user");
            app.LogLines.Should().Contain(line => line.Contains("Readiness: PostgreSQL does not answer", StringComparison.Ordinal));
            (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        }
        finally
        {
            await AdminAsync($"ALTER DATABASE \"{name}\" ALLOW_CONNECTIONS true");
        }
    }

    [Fact]
    public async Task Web_node_in_memory_is_not_ready_because_no_worker_can_ever_run_its_jobs()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?> { ["Scheduler:Role"] = "Web" });
        using var client = app.CreateClient();

        var response = await client.GetAsync("/health/ready");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        (await response.Content.ReadAsStringAsync()).Should().Contain("no database configured").And.Contain("runs no Hangfire server");
    }

    [Fact]
    public async Task Web_node_is_not_ready_and_names_the_workers_while_no_node_runs_one()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = await PostgresServer.Shared.CreateDatabaseAsync("health"),
            ["Scheduler:Role"] = "Web",
        });
        using var client = app.CreateClient();

        var response = await client.GetAsync("/health/ready");

        response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable);
        var checks = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("checks");
        checks.GetProperty("postgresql").GetProperty("status").GetString().Should().Be("Healthy");
        checks.GetProperty("workers").GetProperty("status").GetString().Should().Be("Unhealthy");
        checks.GetProperty("workers").GetProperty("description").GetString().Should().Contain("jobs would wait in the queue");
    }

    private static async Task<JsonElement> WaitForReadyAsync(HttpClient client)
    {
        // The server announces itself a moment after start; until then the node is rightly not ready.
        var ready = await Eventually.GetAsync(
            async cancellation =>
            {
                using var response = await client.GetAsync("/health/ready", cancellation);
                return (response.StatusCode, Body: await response.Content.ReadAsStringAsync(cancellation));
            },
            answer => answer.StatusCode == HttpStatusCode.OK,
            "the node to be ready",
            answer => $"{(int)answer.StatusCode} {answer.Body}",
            TimeSpan.FromSeconds(30));
        return JsonDocument.Parse(ready.Body).RootElement.Clone();
    }

    private static async Task AdminAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(PostgresServer.Shared.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }
}

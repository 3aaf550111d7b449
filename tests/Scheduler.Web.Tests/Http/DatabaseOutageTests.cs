using System.Net;
using System.Net.Http.Json;
using System.Reflection;
using System.Text.Json;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;
using Scheduler.Workflows.Runs;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Http;

/// <summary>While the service's database is away (here: every job record read or write says the server is shutting down), requests answer 503 with Retry-After, not 500.</summary>
public sealed class DatabaseOutageTests
{
    [Fact]
    public async Task Run_requests_and_job_reads_answer_503_with_Retry_After_while_the_database_is_shutting_down()
    {
        // One signing key for both hosts: the token comes from the first.
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?> { ["Auth:SigningKey"] = "database-outage-signing-key-of-at-least-32-characters" }));
        await using var outage = app.WithWebHostBuilder(host => host.ConfigureTestServices(services =>
            services.Replace(ServiceDescriptor.Singleton(DispatchProxy.Create<IJobRunStore, ShuttingDownStore>()))));
        using var client = outage.CreateClient();
        client.DefaultRequestHeaders.Authorization = (await app.LoginAsync()).DefaultRequestHeaders.Authorization;

        foreach (var response in new[]
        {
            await client.RunAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv")),
            await client.GetAsync("/api/jobs/1"),
            await client.GetAsync("/api/jobs"),
        })
        {
            response.StatusCode.Should().Be(HttpStatusCode.ServiceUnavailable, await response.Content.ReadAsStringAsync());
            response.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(5));
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
            problem.GetProperty("title").GetString().Should().Contain("database is unavailable");
        }
    }

    [Fact]
    public void Only_an_unreachable_or_restarting_database_counts_as_unavailable()
    {
        InfrastructureFailure.IsDatabaseUnavailable(new PostgresException("terminating connection", "FATAL", "FATAL", "57P01")).Should().BeTrue();
        InfrastructureFailure.IsDatabaseUnavailable(new InvalidOperationException("wrapped", new PostgresException("starting up", "FATAL", "FATAL", "57P03"))).Should().BeTrue();
        InfrastructureFailure.IsDatabaseUnavailable(new PostgresException("connection failure", "FATAL", "FATAL", "08006")).Should().BeTrue();
        InfrastructureFailure.IsDatabaseUnavailable(new NpgsqlException("Failed to connect", new System.Net.Sockets.SocketException(111))).Should().BeTrue();
        InfrastructureFailure.IsDatabaseUnavailable(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")).Should().BeFalse();
        InfrastructureFailure.IsDatabaseUnavailable(new PostgresException("no such table", "ERROR", "ERROR", "42P01")).Should().BeFalse();
        InfrastructureFailure.IsDatabaseUnavailable(new IOException("the file is locked")).Should().BeFalse();
    }

    /// <summary>Every call fails as a call to a PostgreSQL server being shut down does.</summary>
    public class ShuttingDownStore : DispatchProxy
    {
        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
            throw new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01");
    }
}

using Hangfire;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Web.Hosting;

namespace Scheduler.Web.Health;

/// <summary>
/// The service's own database answers a query; with no database configured there is nothing to reach. The anonymous
/// answer gives the error's SQLSTATE only: PostgreSQL's and Npgsql's messages name the host, the database and the
/// user, which the log gets instead.
/// </summary>
internal sealed partial class PostgreSqlReadinessCheck(IServiceProvider services, ILogger<PostgreSqlReadinessCheck> logger) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (services.GetService<NpgsqlDataSource>() is not { } database)
        {
            return HealthCheckResult.Healthy("no database configured: jobs are kept in memory");
        }

        try
        {
            await using var command = database.CreateCommand("SELECT 1");
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthCheckResult.Healthy("PostgreSQL answers");
        }
        catch (NpgsqlException e)
        {
            LogNotAnswering(logger, e);
            return HealthCheckResult.Unhealthy(e.SqlState is { } state
                ? $"PostgreSQL does not answer (SQLSTATE {state}); the service's log says more"
                : "PostgreSQL does not answer (no connection); the service's log says more");
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Readiness: PostgreSQL does not answer")]
    private static partial void LogNotAnswering(ILogger logger, Exception exception);
}

/// <summary>
/// This process's Hangfire server has announced itself and keeps beating. A node that runs no server (Role Web, or
/// WorkerCount 0) has nothing to check.
/// </summary>
internal sealed class HangfireServerReadinessCheck(IOptions<SchedulerOptions> options, JobStorage storage, TimeProvider time) : IHealthCheck
{
    // Hangfire beats every 30 s; four missed beats mean the server is stuck or cut off from storage.
    public static readonly TimeSpan MaxSilence = TimeSpan.FromMinutes(2);

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!options.Value.RunsServer())
        {
            return Task.FromResult(HealthCheckResult.Healthy("this node runs no Hangfire server"));
        }

        // Hangfire names a server "{machine}:{process id}:{guid}", lower case.
        var prefix = $"{Environment.MachineName}:{Environment.ProcessId}:".ToLowerInvariant();
        var now = time.GetUtcNow().UtcDateTime;
        var alive = storage.GetMonitoringApi().Servers()
            .Any(s => s.Name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase) && s.Heartbeat is { } beat && now - beat < MaxSilence);
        return Task.FromResult(alive
            ? HealthCheckResult.Healthy("the Hangfire server of this node is beating")
            : HealthCheckResult.Unhealthy("the Hangfire server of this node has not announced itself or stopped beating"));
    }
}

/// <summary>
/// Some node's Hangfire server, this one's or another's, beats and has workers: with none, every job would wait in the
/// queue for ever, so a Web node says so instead of taking run requests as if they would run.
/// </summary>
internal sealed class WorkersReadinessCheck(JobStorage storage, TimeProvider time) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var live = storage.GetMonitoringApi().Servers()
            .Count(s => s.WorkersCount > 0 && s.Heartbeat is { } beat && now - beat < HangfireServerReadinessCheck.MaxSilence);
        return Task.FromResult(live > 0
            ? HealthCheckResult.Healthy($"{live} Hangfire server(s) with workers are beating")
            : HealthCheckResult.Unhealthy("no Hangfire server with workers is beating on any node: jobs would wait in the queue until one starts"));
    }
}

namespace Scheduler.Web.Health;

internal static class HealthSetup
{
    /// <summary>The tag of the checks that <c>/health/ready</c> runs.</summary>
    public const string ReadyTag = "ready";

    /// <summary>The readiness checks: the service's database, this node's Hangfire server, and live workers on some node.</summary>
    public static IServiceCollection AddHealth(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<PostgreSqlReadinessCheck>("postgresql", tags: [ReadyTag])
            .AddCheck<HangfireServerReadinessCheck>("hangfire-server", tags: [ReadyTag])
            .AddCheck<WorkersReadinessCheck>("workers", tags: [ReadyTag]);
        return services;
    }
}

using Microsoft.Extensions.Options;

namespace Scheduler.Web.Hosting;

/// <summary>
/// What one process of the service does (<c>Scheduler:Role</c>), so that API nodes and worker nodes scale apart:
/// All serves the HTTP API and runs jobs; Web serves the API and runs no Hangfire server; Worker runs jobs and serves
/// no API, only the health endpoints that its orchestrator probes.
/// </summary>
internal enum NodeRole
{
    All,
    Web,
    Worker,
}

internal static class NodeRoles
{
    public static bool ServesApi(this SchedulerOptions options) => options.Role != NodeRole.Worker;

    public static bool RunsServer(this SchedulerOptions options) => options.Role != NodeRole.Web && options.WorkerCount > 0;

    /// <summary>True when this process serves the HTTP API; reading the options here validates them before anything is mapped.</summary>
    public static bool ServesApi(this IHost app) => app.Services.GetRequiredService<IOptions<SchedulerOptions>>().Value.ServesApi();
}

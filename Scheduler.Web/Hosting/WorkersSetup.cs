using Hangfire;
using Microsoft.Extensions.Options;
using Scheduler.Web.Schedules;

namespace Scheduler.Web.Hosting;

internal static class WorkersSetup
{
    /// <summary>
    /// This node's Hangfire server, which runs the jobs, when its role and <c>Scheduler:WorkerCount</c> ask for one.
    /// Registered last, so that everything the workers need has started first.
    /// </summary>
    public static IServiceCollection AddWorkers(this IServiceCollection services)
    {
        // Hangfire's server is a hosted service that Hangfire registers; whether this node runs one is known only from
        // the validated options, so its registration is taken as it is and started only then.
        var hangfireServer = new ServiceCollection().AddHangfireServer((provider, server) =>
        {
            server.WorkerCount = provider.GetRequiredService<IOptions<SchedulerOptions>>().Value.WorkerCount;

            // A cancelled (deleted) job's token fires only when the server next checks; the default 5 s check
            // makes "stops within seconds" up to 5 s plus the task's own reaction. One query a second per server
            // is cheap next to that.
            server.CancellationCheckInterval = TimeSpan.FromSeconds(1);

            // Saving a schedule refuses crons that fire more often than this; the two must stay one value.
            server.SchedulePollingInterval = CronLimits.MinimumInterval;
        }).Single().ImplementationFactory!;

        // The listener for enqueued jobs starts before the workers that wait on it.
        services.AddTransient<IHostedService>(provider => provider.GetRequiredService<IOptions<SchedulerOptions>>().Value.RunsServer()
            && provider.GetService<QueueListener>() is { } listener
                ? listener
                : new NoServer());
        services.AddTransient<IHostedService>(provider => provider.GetRequiredService<IOptions<SchedulerOptions>>().Value.RunsServer()
            ? (IHostedService)hangfireServer(provider)
            : new NoServer());
        return services;
    }

    private sealed class NoServer : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}

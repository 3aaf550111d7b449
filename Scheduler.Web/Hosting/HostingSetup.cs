using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Web.Hosting;

internal static class HostingSetup
{
    public const string ConnectionsSection = "Connections";

    public const string TransferSection = "Transfer";

    /// <summary>
    /// The host's own configuration, each section bound once and validated at start, so that a bad setting stops the
    /// service with the key's name instead of failing the first job that needs it: <c>Scheduler</c>, the named
    /// <c>Connections</c> and the file transfer clients' <c>Transfer</c> settings.
    /// </summary>
    public static IServiceCollection AddHosting(this IServiceCollection services)
    {
        // A background loop that fails must not take the API and the workers down with it; each loop logs and retries.
        services.Configure<HostOptions>(host => host.BackgroundServiceExceptionBehavior = BackgroundServiceExceptionBehavior.Ignore);
        services.TryAddSingleton(TimeProvider.System);

        services.BindSection<SchedulerOptions>(SchedulerOptions.Section);
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<SchedulerOptions>, SchedulerPathsResolver>();

        // A relative Path is relative to the content root, as every other path of the configuration.
        services.BindSection<ConnectionsOptions>(ConnectionsSection)
            .PostConfigure<IHostEnvironment>((connections, environment) =>
            {
                foreach (var settings in connections.Values.Where(s => s.Path is { Length: > 0 }))
                {
                    settings.Path = Path.GetFullPath(settings.Path!, environment.ContentRootPath);
                }
            });
        services.AddSingleton<IValidateOptions<ConnectionsOptions>, ConnectionsValidator>();
        services.AddSingleton(provider => new ConnectionCatalog(provider.GetRequiredService<IOptions<ConnectionsOptions>>().Value));

        services.BindSection<TransferOptions>(TransferSection);
        services.AddSingleton<IValidateOptions<TransferOptions>, TransferOptionsValidator>();
        return services;
    }
}

using Scheduler.Workflows.Connections;

namespace Scheduler.Web.Hosting;

public static class ConnectionsSetup
{
    public const string Section = "Connections";

    /// <summary>Binds <c>Connections:{name}</c>; a relative Local path is relative to the content root.</summary>
    public static IServiceCollection AddConnections(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(sp =>
        {
            var contentRoot = sp.GetRequiredService<IHostEnvironment>().ContentRootPath;
            var connections = configuration.GetSection(Section).Get<Dictionary<string, ConnectionSettings>>() ?? [];
            foreach (var settings in connections.Values.Where(s => s.Path is { Length: > 0 }))
            {
                settings.Path = Path.GetFullPath(settings.Path!, contentRoot);
            }

            return new ConnectionCatalog(connections);
        });
        return services;
    }
}

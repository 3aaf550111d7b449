using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;

namespace Scheduler.Web.Definitions;

internal static class DefinitionsSetup
{
    /// <summary>
    /// Saving definitions through the API, the folder import at start and the catalogs' refresh. The store they use
    /// is the storage's (PostgreSQL, so that every node sees the same definitions, or memory).
    /// </summary>
    public static IServiceCollection AddDefinitions(this IServiceCollection services)
    {
        services.AddSingleton<DefinitionEditor>();

        // Registered before Hangfire's server, so that workers start with the definitions loaded.
        services.AddHostedService<DefinitionsSync>();
        return services;
    }
}

using Npgsql;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;

namespace Scheduler.Web.Definitions;

public static class DefinitionsSetup
{
    /// <summary>
    /// The definition store (PostgreSQL with <c>ConnectionStrings:Scheduler</c>, so that every node sees the same
    /// definitions; memory otherwise), the folder import at start and the catalogs' refresh.
    /// </summary>
    public static IServiceCollection AddDefinitions(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration.GetConnectionString(JobStorageSetup.ConnectionStringName)))
        {
            services.AddSingleton<IDefinitionStore, InMemoryDefinitionStore>();
        }
        else
        {
            services.AddSingleton<IDefinitionStore>(sp => new PostgreSqlDefinitionStore(sp.GetRequiredService<NpgsqlDataSource>()));
        }

        services.AddSingleton<DefinitionEditor>();

        // Registered before Hangfire's server, so that workers start with the definitions loaded.
        services.AddHostedService<DefinitionsSync>();
        return services;
    }
}

using Microsoft.Extensions.Options;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Hosting;

/// <summary>Prepares the job record tables, or says loudly that nothing will survive a restart.</summary>
internal sealed partial class StorageStartup(StorageChoice storage, IServiceProvider services, ILogger<StorageStartup> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (storage.Durable)
        {
            await services.GetRequiredService<PostgreSqlJobRunStore>().EnsureSchemaAsync(cancellationToken);
            await services.GetRequiredService<PostgreSqlSecretValues>().ProtectPlainValuesAsync(cancellationToken);
            logger.LogInformation("Job storage: PostgreSQL (Hangfire schema 'hangfire', job records in schema 'scheduler').");
            if (services.GetRequiredService<IOptions<SchedulerOptions>>().Value.DataProtectionKeysPath is not { Length: > 0 })
            {
                LogKeysInProfile(logger);
            }
        }
        else
        {
            logger.LogWarning(
                "Job storage: IN MEMORY. ConnectionStrings:{Name} is not set, so NOTHING IS DURABLE: queued jobs, job history and step records are lost when this process stops. Set ConnectionStrings:{Name} to a PostgreSQL database for production.",
                StorageSetup.ConnectionStringName,
                StorageSetup.ConnectionStringName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Scheduler:DataProtectionKeysPath is not set: secret run parameters are encrypted with keys in this user's profile, which other nodes (and a new container) cannot read; jobs they run with secret parameters fail. Give every node one shared keys folder.")]
    private static partial void LogKeysInProfile(ILogger logger);
}

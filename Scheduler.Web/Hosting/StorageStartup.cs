using Microsoft.Extensions.Options;
using Scheduler.Workflows.Storage;

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
            LogDurableStorage(logger);
            if (services.GetRequiredService<IOptions<SchedulerOptions>>().Value.DataProtectionKeysPath is not { Length: > 0 })
            {
                LogKeysInProfile(logger);
            }
        }
        else
        {
            LogInMemoryStorage(logger, StorageSetup.ConnectionStringName);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Information, Message = "Job storage: PostgreSQL (Hangfire schema 'hangfire', job records in schema 'scheduler').")]
    private static partial void LogDurableStorage(ILogger logger);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Job storage: IN MEMORY. ConnectionStrings:{Name} is not set, so NOTHING IS DURABLE: queued jobs, job history and step records are lost when this process stops. Set ConnectionStrings:{Name} to a PostgreSQL database for production.")]
    private static partial void LogInMemoryStorage(ILogger logger, string name);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Scheduler:DataProtectionKeysPath is not set: secret run parameters are encrypted with keys in this user's profile, which other nodes (and a new container) cannot read; jobs they run with secret parameters fail. Give every node one shared keys folder.")]
    private static partial void LogKeysInProfile(ILogger logger);
}

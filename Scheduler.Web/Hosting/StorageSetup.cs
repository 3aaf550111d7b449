using Hangfire;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Triggers;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Chooses where everything lives, once: PostgreSQL when <c>ConnectionStrings:Scheduler</c> is set (Hangfire's tables,
/// the definitions, so that every node sees the same ones, and the service's own job records, logs, idempotency keys
/// secret values and the files that file-drop schedules started), memory otherwise, so that the service runs on a bare machine for a first look.
/// </summary>
internal static class StorageSetup
{
    public const string ConnectionStringName = "Scheduler";

    /// <summary>The PostgreSQL schema of Hangfire's tables.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>After how long a Hangfire lock left by a dead holder is taken over.</summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var choice = new StorageChoice(!string.IsNullOrWhiteSpace(connectionString));
        services.AddSingleton(choice);
        if (choice.Durable)
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString!));
            services.AddSingleton<IDefinitionStore>(sp => new PostgreSqlDefinitionStore(sp.GetRequiredService<NpgsqlDataSource>()));
            services.AddSingleton<PostgreSqlJobRunStore>();
            services.AddSingleton<IJobRunStore>(sp => sp.GetRequiredService<PostgreSqlJobRunStore>());
            services.AddSingleton<IJobLog, PostgreSqlJobLog>();
            services.AddSingleton<IIdempotencyKeys, PostgreSqlIdempotencyKeys>();
            services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
            services.AddSingleton<PostgreSqlSecretValues>();
            services.AddSingleton<ISecretValues>(sp => sp.GetRequiredService<PostgreSqlSecretValues>());
            services.AddSingleton<IFileDropLedger, PostgreSqlFileDropLedger>();
        }
        else
        {
            services.AddSingleton<IDefinitionStore, InMemoryDefinitionStore>();
            services.AddSingleton<IJobRunStore, InMemoryJobRunStore>();
            services.AddSingleton<IJobLog, InMemoryJobLog>();
            services.AddSingleton<IIdempotencyKeys, InMemoryIdempotencyKeys>();
            services.AddSingleton<ISecretValues, InMemorySecretValues>();
            services.AddSingleton<IFileDropLedger, InMemoryFileDropLedger>();
        }

        services.AddHostedService<StorageStartup>();
        services.AddHangfire((provider, hangfire) =>
        {
            hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (choice.Durable)
            {
                // Safety net for a lost wake-up (QueueWakeUp says how): a keepalive ends a listener wait whose
                // cancellation Npgsql lost, and a short poll picks up a job whose NOTIFY came too early.
                hangfire.UsePostgreSqlStorage(
                    npgsql => npgsql.UseNpgsqlConnection(QueueWakeUp.WithKeepAlive(connectionString!)),
                    new PostgreSqlStorageOptions
                    {
                        // LISTEN/NOTIFY wakes a worker at once when another process enqueues (docs/measurements.md: p50 7 ms
                        // instead of half the 15 s poll). It must be on in the enqueuing process too.
                        EnableLongPolling = true,
                        QueuePollInterval = QueueWakeUp.PollInterval,

                        // A short timeout alone would start a long job twice; sliding keeps a live job's claim fresh
                        // while a killed worker's job comes back after the timeout instead of after 30 minutes.
                        UseSlidingInvisibilityTimeout = true,
                        InvisibilityTimeout = provider.GetRequiredService<IOptions<SchedulerOptions>>().Value.InvisibilityTimeout,

                        // A lock is a row in hangfire.lock that its holder deletes; a process killed while holding one
                        // leaves it, and the next taker deletes it only once it is older than this. Every section
                        // under such a lock is one short statement or transaction (a state change, a pass of the
                        // schedulers over due jobs, an expiry batch of 1000 rows), so 30 s is far above what a holder
                        // needs and, unlike the 10 min default, is no stall after a crash or a database restart.
                        DistributedLockTimeout = DistributedLockTimeout,
                        PrepareSchemaIfNecessary = true,
                        SchemaName = HangfireSchema,
                    });
            }
            else
            {
                hangfire.UseInMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long });
            }
        });

        return services;
    }
}

/// <summary>Whether this process keeps its jobs and definitions in PostgreSQL (durable) or in memory, as <see cref="StorageSetup"/> chose.</summary>
internal sealed record StorageChoice(bool Durable);

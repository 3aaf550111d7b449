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

    /// <summary>After how long a lock row of Hangfire.PostgreSql's own expiry pass, left by a dead holder, is taken over.</summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var choice = new StorageChoice(!string.IsNullOrWhiteSpace(connectionString));
        services.AddSingleton(choice);
        if (choice.Durable)
        {
            connectionString = StatementPreparation.Enabled(connectionString!);
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString));
            services.AddSingleton(sp => new QueueListener(QueueWakeUp.WithKeepAlive(connectionString!), sp.GetRequiredService<ILogger<QueueListener>>()));
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
            services.AddSingleton<InMemoryIdempotencyKeys>();
            services.AddSingleton<IIdempotencyKeys>(sp => sp.GetRequiredService<InMemoryIdempotencyKeys>());
            services.AddSingleton<InMemoryJobLog>();
            services.AddSingleton<IJobLog>(sp => sp.GetRequiredService<InMemoryJobLog>());
            services.AddSingleton<IJobRunStore>(sp => new InMemoryJobRunStore(sp.GetRequiredService<InMemoryIdempotencyKeys>(), sp.GetRequiredService<InMemoryJobLog>()));
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
                // Only a node that runs workers listens for enqueued jobs.
                var options = provider.GetRequiredService<IOptions<SchedulerOptions>>().Value;
                hangfire.UseSchedulerPostgreSql(connectionString!, options.InvisibilityTimeout, options.RunsServer() ? provider.GetRequiredService<QueueListener>() : null);
            }
            else
            {
                hangfire.UseInMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long });
            }
        });

        return services;
    }

    /// <summary>
    /// Hangfire on the service's PostgreSQL database with the options every node uses (the benchmark enqueues raw
    /// Hangfire jobs on the same storage and options).
    /// </summary>
    /// <param name="listener">This node's listener for enqueued jobs, when it runs a Hangfire server.</param>
    internal static IGlobalConfiguration UseSchedulerPostgreSql(this IGlobalConfiguration hangfire, string connectionString, TimeSpan invisibilityTimeout, QueueListener? listener)
    {
        // A keepalive on Hangfire's connections bounds a wait on a connection that died silently, and a short poll
        // is the safety net for a wake-up lost with the listener's connection (QueueWakeUp says how).
        connectionString = QueueWakeUp.WithKeepAlive(StatementPreparation.Enabled(connectionString));
        var options = new PostgreSqlStorageOptions
        {
            // The library's long polling (a LISTEN per dequeue, every idle worker woken per job) is replaced by
            // NotifiedJobQueue below, which keeps its NOTIFY and wakes one worker per job (docs/measurements.md).
            EnableLongPolling = false,
            QueuePollInterval = QueueWakeUp.PollInterval,

            // A short timeout alone would start a long job twice; sliding keeps a live job's claim fresh
            // while a killed worker's job comes back after the timeout instead of after 30 minutes.
            UseSlidingInvisibilityTimeout = true,
            InvisibilityTimeout = invisibilityTimeout,

            // Locks taken through a connection are session locks (SchedulerPostgreSqlStorage), gone with a
            // holder that died. The library's expiry pass still takes a row in hangfire.lock, which a
            // killed holder leaves behind and the next taker deletes once it is older than this: the pass
            // deletes batches of 1000 rows, so 30 s is far above what it needs and, unlike the 10 min
            // default, is no stall after a crash or a database restart.
            DistributedLockTimeout = DistributedLockTimeout,
            PrepareSchemaIfNecessary = true,
            SchemaName = HangfireSchema,
        };
        var storage = new SchedulerPostgreSqlStorage(connectionString, options);
        storage.QueueProviders.Add(new NotifiedJobQueue(storage, options, connectionString, listener), ["default"]);
        return hangfire.UseStorage(storage);
    }
}

/// <summary>Whether this process keeps its jobs and definitions in PostgreSQL (durable) or in memory, as <see cref="StorageSetup"/> chose.</summary>
internal sealed record StorageChoice(bool Durable);

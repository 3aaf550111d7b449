using Hangfire;
using Hangfire.Common;
using Hangfire.InMemory;
using Hangfire.PostgreSql;
using Microsoft.Extensions.Options;
using Npgsql;
using Scheduler.Web.Schedules;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Chooses where jobs live: PostgreSQL when <c>ConnectionStrings:Scheduler</c> is set (Hangfire's tables and the
/// service's own job records), memory otherwise, so that the service runs on a bare machine for a first look.
/// </summary>
public static class JobStorageSetup
{
    public const string ConnectionStringName = "Scheduler";

    /// <summary>The PostgreSQL schema of Hangfire's tables.</summary>
    public const string HangfireSchema = "hangfire";

    /// <summary>After how long a Hangfire lock left by a dead holder is taken over.</summary>
    public static readonly TimeSpan DistributedLockTimeout = TimeSpan.FromSeconds(30);

    public static IServiceCollection AddJobStorage(this IServiceCollection services, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString(ConnectionStringName);
        var options = configuration.GetSection(SchedulerOptions.Section).Get<SchedulerOptions>() ?? new SchedulerOptions();
        var durable = !string.IsNullOrWhiteSpace(connectionString);
        if (durable)
        {
            services.AddSingleton(_ => NpgsqlDataSource.Create(connectionString!));
            services.AddSingleton<PostgreSqlJobRunStore>();
            services.AddSingleton<IJobRunStore>(sp => sp.GetRequiredService<PostgreSqlJobRunStore>());
            services.AddSingleton<IJobLog, PostgreSqlJobLog>();
            services.AddSingleton<IIdempotencyKeys, PostgreSqlIdempotencyKeys>();
            services.AddSingleton<ISecretProtector, DataProtectionSecretProtector>();
            services.AddSingleton<PostgreSqlSecretValues>();
            services.AddSingleton<ISecretValues>(sp => sp.GetRequiredService<PostgreSqlSecretValues>());
        }
        else
        {
            services.AddSingleton<IJobRunStore, InMemoryJobRunStore>();
            services.AddSingleton<IJobLog, InMemoryJobLog>();
            services.AddSingleton<IIdempotencyKeys, InMemoryIdempotencyKeys>();
            services.AddSingleton<ISecretValues, InMemorySecretValues>();
        }

        services.AddHostedService(sp => new JobStorageStartup(durable, sp));

        // After the start-up above, which makes the tables it deletes from.
        services.AddHostedService<JobRetention>();
        services.AddSingleton<JobReconciler>();
        services.AddHostedService(sp => sp.GetRequiredService<JobReconciler>());
        if (durable && options.RunsServer())
        {
            services.AddSingleton(sp => new QueueListener(QueueWakeUp.WithKeepAlive(connectionString!), sp.GetRequiredService<ILogger<QueueListener>>()));
            services.AddHostedService(sp => sp.GetRequiredService<QueueListener>());
        }

        services.AddHangfire((provider, hangfire) =>
        {
            hangfire.SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
                .UseSimpleAssemblyNameTypeSerializer()
                .UseRecommendedSerializerSettings();
            if (durable)
            {
                hangfire.UseSchedulerPostgreSql(connectionString!, options.InvisibilityTimeout, provider.GetService<QueueListener>());
            }
            else
            {
                hangfire.UseInMemoryStorage(new InMemoryStorageOptions { IdType = InMemoryStorageIdType.Long });
            }
        });

        services.AddSingleton<JobRecordFilter>();
        services.AddSingleton<InfrastructureRetry>();
        services.AddSingleton<JobTelemetryFilter>();
        services.AddSingleton<WorkflowTelemetry>();
        services.AddSingleton<IJobFilterProvider, WorkflowJobFilterProvider>();

        if (options.RunsServer())
        {
            services.AddHangfireServer(server =>
            {
                server.WorkerCount = options.WorkerCount;

                // A cancelled (deleted) job's token fires only when the server next checks; the default 5 s check
                // makes "stops within seconds" up to 5 s plus the task's own reaction. One query a second per server
                // is cheap next to that.
                server.CancellationCheckInterval = TimeSpan.FromSeconds(1);

                // Saving a schedule refuses crons that fire more often than this; the two must stay one value.
                server.SchedulePollingInterval = CronLimits.MinimumInterval;
            });
        }

        return services;
    }

    /// <summary>
    /// Hangfire on the service's PostgreSQL database with the options every node uses; public so that the benchmark
    /// can enqueue raw Hangfire jobs on the same storage and options.
    /// </summary>
    public static IGlobalConfiguration UseSchedulerPostgreSql(this IGlobalConfiguration hangfire, string connectionString, TimeSpan invisibilityTimeout) =>
        hangfire.UseSchedulerPostgreSql(connectionString, invisibilityTimeout, listener: null);

    /// <param name="listener">This node's listener for enqueued jobs, when it runs a Hangfire server.</param>
    internal static IGlobalConfiguration UseSchedulerPostgreSql(this IGlobalConfiguration hangfire, string connectionString, TimeSpan invisibilityTimeout, QueueListener? listener)
    {
        // A keepalive on Hangfire's connections bounds a wait on a connection that died silently, and a short poll
        // is the safety net for a wake-up lost with the listener's connection (QueueWakeUp says how).
        connectionString = QueueWakeUp.WithKeepAlive(connectionString);
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

            // A lock is a row in hangfire.lock that its holder deletes; a process killed while holding one
            // leaves it, and the next taker deletes it only once it is older than this. Every section
            // under such a lock is one short statement or transaction (a state change, a pass of the
            // schedulers over due jobs, an expiry batch of 1000 rows), so 30 s is far above what a holder
            // needs and, unlike the 10 min default, is no stall after a crash or a database restart.
            DistributedLockTimeout = DistributedLockTimeout,
            PrepareSchemaIfNecessary = true,
            SchemaName = HangfireSchema,
        };
        var storage = hangfire.UsePostgreSqlStorage(npgsql => npgsql.UseNpgsqlConnection(connectionString), options).Entry;
        storage.QueueProviders.Add(new NotifiedJobQueue(storage, options, connectionString, listener), ["default"]);
        return hangfire;
    }
}

/// <summary>
/// Prepares the job record tables, or says loudly that nothing will survive a restart and clears the job folders that
/// an earlier in-memory process left: its job ids start at 1 again, and a new job must never show an old job's files.
/// </summary>
internal sealed partial class JobStorageStartup(bool durable, IServiceProvider services) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var logger = services.GetRequiredService<ILogger<JobStorageStartup>>();
        if (durable)
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
                JobStorageSetup.ConnectionStringName,
                JobStorageSetup.ConnectionStringName);
            var workingDirectory = services.GetRequiredService<IOptions<SchedulerOptions>>().Value.WorkingDirectory;
            if (JobDirectories.DeleteJobFolders(workingDirectory) is > 0 and var deleted)
            {
                LogStaleFoldersDeleted(logger, deleted, workingDirectory);
            }
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Deleted {Count} job folders that an earlier in-memory run left in {Folder}: their jobs are forgotten, and new jobs reuse their ids")]
    private static partial void LogStaleFoldersDeleted(ILogger logger, int count, string folder);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "Scheduler:DataProtectionKeysPath is not set: secret run parameters are encrypted with keys in this user's profile, which other nodes (and a new container) cannot read; jobs they run with secret parameters fail. Give every node one shared keys folder.")]
    private static partial void LogKeysInProfile(ILogger logger);
}

using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Scheduler.Dataflows;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Web.Hosting;

public static class WorkflowsSetup
{
    /// <summary>Definitions, the engine and its task types, and the job services of the API.</summary>
    public static IServiceCollection AddWorkflows(this IServiceCollection services)
    {
        services.AddOptions<SchedulerOptions>().BindConfiguration(SchedulerOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<SchedulerOptions>, SchedulerOptionsValidator>();
        services.AddSingleton<IPostConfigureOptions<SchedulerOptions>, SchedulerPathsResolver>();
        services.AddSingleton(sp => new DefinitionsLocation(sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.DefinitionsPath!));
        services.TryAddSingleton(TimeProvider.System);

        services.AddSingleton<DataflowCatalog>();
        services.AddSingleton<DataflowRunner>();
        services.AddSingleton<IDatabaseConnections>(sp => sp.GetRequiredService<ConnectionCatalog>());
        services.AddSingleton<IRemoteFilesFactory>(new RemoteFilesFactory());
        services.AddSingleton<IWorkflowTask, FileTransferTask>();
        services.AddSingleton<IWorkflowTask, FileSystemTask>();
        services.AddSingleton<IWorkflowTask, RunDataflowTask>();
        services.AddSingleton<IWorkflowTask, DecisionTask>();
        services.AddSingleton<IWorkflowTask, RunWorkflowTask>();
        services.AddSingleton<IWorkflowTask, RunSqlTask>();
        services.AddSingleton<TaskRegistry>();
        services.AddSingleton<WorkflowValidator>();
        services.AddSingleton<WorkflowCatalog>();
        services.AddSingleton<IWorkflowDefinitions>(sp => sp.GetRequiredService<WorkflowCatalog>());
        services.AddSingleton<ParameterBinder>();
        services.AddSingleton<WorkflowResolver>();
        services.AddSingleton<WorkflowEngine>();
        services.AddTransient<WorkflowJob>();
        services.AddSingleton<RunRequestChecker>();
        services.AddSingleton<JobLauncher>();
        services.AddSingleton<JobQueries>();
        services.AddSingleton<JobFiles>();
        services.AddSingleton<JobSecrets>();
        services.AddSingleton<JobControl>();
        return services;
    }
}

/// <summary>Makes the configured paths absolute against the content root, and finds the samples when none is set.</summary>
internal sealed class SchedulerPathsResolver(IHostEnvironment environment) : IPostConfigureOptions<SchedulerOptions>
{
    public void PostConfigure(string? name, SchedulerOptions options)
    {
        options.WorkingDirectory = Path.GetFullPath(options.WorkingDirectory, environment.ContentRootPath);
        options.DefinitionsPath = options.DefinitionsPath is { Length: > 0 } path
            ? Path.GetFullPath(path, environment.ContentRootPath)
            : FindSamples(environment.ContentRootPath) ?? FindSamples(AppContext.BaseDirectory) ?? Path.Combine(environment.ContentRootPath, "samples");
    }

    private static string? FindSamples(string start)
    {
        for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
        {
            var samples = Path.Combine(folder.FullName, "samples");
            if (Directory.Exists(Path.Combine(samples, "workflows")))
            {
                return samples;
            }
        }

        return null;
    }
}

using Microsoft.Extensions.Options;
using Scheduler.Dataflows;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Validation;

namespace Scheduler.Web.Hosting;

internal static class WorkflowsSetup
{
    /// <summary>The workflow engine, its task types and the catalogs of definitions it runs.</summary>
    public static IServiceCollection AddWorkflows(this IServiceCollection services)
    {
        services.AddSingleton(sp => new DefinitionsLocation(sp.GetRequiredService<IOptions<SchedulerOptions>>().Value.DefinitionsPath!));
        services.AddSingleton<DataflowCatalog>();
        services.AddSingleton<DataflowRunner>();
        services.AddSingleton<IDatabaseConnections>(sp => sp.GetRequiredService<ConnectionCatalog>());
        services.AddSingleton<IRemoteFilesFactory>(sp => new RemoteFilesFactory(sp.GetRequiredService<IOptions<TransferOptions>>().Value));
        services.AddSingleton<IWorkflowTask, FileTransferTask>();
        services.AddSingleton<IWorkflowTask, FileSystemTask>();
        services.AddSingleton<IWorkflowTask, RunDataflowTask>();
        services.AddSingleton<IWorkflowTask, DecisionTask>();
        services.AddSingleton<IWorkflowTask, RunWorkflowTask>();
        services.AddSingleton<IWorkflowTask, RunSqlTask>();
        services.AddSingleton<IWorkflowTask, SendMailTask>();
        services.AddSingleton<IWorkflowTask, HttpTask>();
        services.AddSingleton<TaskRegistry>();
        services.AddSingleton<WorkflowValidator>();
        services.AddSingleton<WorkflowCatalog>();
        services.AddSingleton<IWorkflowDefinitions>(sp => sp.GetRequiredService<WorkflowCatalog>());
        services.AddSingleton<ParameterBinder>();
        services.AddSingleton<WorkflowResolver>();
        services.AddSingleton<WorkflowEngine>();
        return services;
    }
}

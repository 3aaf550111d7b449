using Scheduler.Web.Hosting;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Web.Definitions;

/// <summary>
/// Imports the definitions folder and loads the catalogs before the service takes work, then keeps the catalogs in
/// step with saves made on other nodes. Run requests and jobs read the catalogs as this loop leaves them (no query on
/// their path), and ask the store themselves only when what they name does not fit (WorkflowResolver).
/// </summary>
internal sealed partial class DefinitionsSync(
    IDefinitionStore store, DefinitionsLocation location, WorkflowCatalog workflows, ILogger<DefinitionsSync> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        await store.PrepareAsync(cancellationToken);
        await DefinitionFolder.ImportAsync(store, location, logger, cancellationToken);
        await workflows.RefreshAsync(cancellationToken);
        await base.StartAsync(cancellationToken);
    }

    // Whatever the cause of a failure, the next tick tries again; until then the last definitions loaded stay in use.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(
            Interval, TimeProvider.System, atStart: false, workflows.RefreshAsync, exception => LogRefreshFailed(logger, exception), stoppingToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the definitions; the next attempt is in two seconds")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception);
}

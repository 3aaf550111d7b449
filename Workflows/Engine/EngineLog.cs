using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Engine;

internal static partial class EngineLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Job {JobId} of workflow {Workflow} finished {Status}")]
    public static partial void LogJobFinished(this ILogger logger, string jobId, string workflow, RunStatus status);

    [LoggerMessage(Level = LogLevel.Error, Message = "Step {Step} of job {JobId} failed")]
    public static partial void LogStepFailed(this ILogger logger, Exception exception, string step, string jobId);
}

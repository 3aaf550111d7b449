using Hangfire.States;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>Hangfire's state names in the vocabulary of this API.</summary>
public static class JobStatusMapper
{
    private static readonly Dictionary<string, RunStatus> ByState = new(StringComparer.OrdinalIgnoreCase)
    {
        [EnqueuedState.StateName] = RunStatus.Queued,
        [ScheduledState.StateName] = RunStatus.NotStarted,
        [AwaitingState.StateName] = RunStatus.NotStarted,
        [ProcessingState.StateName] = RunStatus.Running,
        [SucceededState.StateName] = RunStatus.Completed,
        [FailedState.StateName] = RunStatus.Failed,
        [DeletedState.StateName] = RunStatus.Cancelled,
    };

    /// <summary>The status for a Hangfire state; null for a state we do not know, where the job's own record decides.</summary>
    public static RunStatus? FromHangfireState(string? state) =>
        state is not null && ByState.TryGetValue(state, out var status) ? status : null;
}

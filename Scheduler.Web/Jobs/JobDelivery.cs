using Hangfire;
using Hangfire.States;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Hangfire's view of a job from one read of its state history: its state now, and which delivery of the job is
/// running (or ran last) and on which Hangfire server. A job runs again with the same id when its worker died, when
/// the database failed under it, or when it is requeued. Known only while Hangfire keeps the job (a day after it ended).
/// </summary>
internal sealed record JobDelivery(string? State, int Attempt, string? Node, string? PreviousNode)
{
    public static JobDelivery? Read(JobStorage storage, string jobId)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (storage.GetMonitoringApi().JobDetails(jobId) is not { } details)
        {
            return null;
        }

        // The history is newest first; every delivery to a worker starts with a Processing state naming its server.
        var servers = details.History
            .Where(h => h.StateName == ProcessingState.StateName)
            .Select(h => h.Data.TryGetValue("ServerId", out var server) ? server : "")
            .ToList();
        return new(details.History.FirstOrDefault()?.StateName, servers.Count, servers.FirstOrDefault(), servers.Skip(1).FirstOrDefault());
    }

    /// <summary>The job log's line for a delivery after the first; the earlier attempt's lines stay in the log.</summary>
    public string? Describe() =>
        Attempt > 1 ? $"attempt {Attempt} on {Node} after attempt {Attempt - 1} on {PreviousNode} stopped" : null;
}

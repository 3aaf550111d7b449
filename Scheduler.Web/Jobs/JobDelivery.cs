using Hangfire;
using Hangfire.States;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Which delivery of its Hangfire job is running (or ran last) and on which Hangfire server: a job runs again with the
/// same id when its worker died, when the database failed under it, or when it is requeued. Read from the job's state
/// history, so it is known only while Hangfire keeps the job (a day after it ended).
/// </summary>
internal sealed record JobDelivery(int Attempt, string Node, string? PreviousNode)
{
    public static JobDelivery? Read(JobStorage storage, string jobId)
    {
        ArgumentNullException.ThrowIfNull(storage);

        // The history is newest first; every delivery to a worker starts with a Processing state naming its server.
        var servers = storage.GetMonitoringApi().JobDetails(jobId)?.History
            .Where(h => h.StateName == ProcessingState.StateName)
            .Select(h => h.Data.TryGetValue("ServerId", out var server) ? server : "")
            .ToList();
        return servers is [var node, .. var earlier] ? new(servers.Count, node, earlier.FirstOrDefault()) : null;
    }
}

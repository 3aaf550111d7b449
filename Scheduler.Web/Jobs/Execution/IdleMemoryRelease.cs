using Hangfire.Server;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// Gives the memory of large jobs back to the system once this worker node has no job running. A load of millions
/// of rows leaves the collector holding about three times the memory it found alive, which it would otherwise keep
/// until the process ends: nothing an idle node allocates makes it collect that far (docs/measurements.md, worker
/// memory). One full, compacting, blocking collection that returns what it frees costs a few tens of milliseconds on
/// an idle node; it runs only after enough has been allocated since the last one for a large job to have run.
/// </summary>
internal sealed partial class IdleMemoryRelease(ILogger<IdleMemoryRelease> logger) : IServerFilter
{
    // A 1M-row load allocates about 300 MiB and a small job a few MiB: a node releases after each large load, and
    // after a hundred or so small jobs, never after each one.
    internal const long AllocatedBytesBetweenReleases = 256L << 20;

    private int _running;
    private long _allocatedAtLastRelease;

    public void OnPerforming(PerformingContext context) => JobStarted();

    public void OnPerformed(PerformedContext context)
    {
        if (JobEnded(GC.GetTotalAllocatedBytes()))
        {
            // Off Hangfire's worker thread, so that the job's end is recorded without waiting for the collection.
            ThreadPool.UnsafeQueueUserWorkItem(static release => release.Release(), this, preferLocal: false);
        }
    }

    /// <summary>A job starts on this node.</summary>
    internal void JobStarted() => Interlocked.Increment(ref _running);

    /// <summary>A job ended on this node, which has allocated <paramref name="allocatedBytes"/> since it started: true when memory is to be released now.</summary>
    internal bool JobEnded(long allocatedBytes)
    {
        if (Interlocked.Decrement(ref _running) > 0)
        {
            return false;
        }

        var last = Interlocked.Read(ref _allocatedAtLastRelease);
        return allocatedBytes - last >= AllocatedBytesBetweenReleases
            && Interlocked.CompareExchange(ref _allocatedAtLastRelease, allocatedBytes, last) == last;
    }

    private void Release()
    {
        var before = Environment.WorkingSet;
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        LogReleased(logger, before >> 20, Environment.WorkingSet >> 20, GC.GetGCMemoryInfo().TotalCommittedBytes >> 20);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "No job running after large ones: memory given back, resident {BeforeMiB} MiB -> {AfterMiB} MiB ({CommittedMiB} MiB held by the collector)")]
    private static partial void LogReleased(ILogger logger, long beforeMiB, long afterMiB, long committedMiB);
}

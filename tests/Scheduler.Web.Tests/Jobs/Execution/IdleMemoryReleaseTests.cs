using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Web.Jobs.Execution;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>When a worker node gives the memory of large jobs back: once it has no job running, and only after a large job.</summary>
public sealed class IdleMemoryReleaseTests
{
    private const long Large = IdleMemoryRelease.AllocatedBytesBetweenReleases;

    [Fact]
    public void The_last_job_to_end_after_a_large_allocation_releases_memory()
    {
        var release = new IdleMemoryRelease(NullLogger<IdleMemoryRelease>.Instance);

        release.JobStarted();

        release.JobEnded(allocatedBytes: Large).Should().BeTrue();
    }

    [Fact]
    public void Nothing_is_released_while_another_job_runs_on_the_node()
    {
        var release = new IdleMemoryRelease(NullLogger<IdleMemoryRelease>.Instance);
        release.JobStarted();
        release.JobStarted();

        release.JobEnded(allocatedBytes: Large).Should().BeFalse("a job still runs");
        release.JobEnded(allocatedBytes: Large + 1).Should().BeTrue("the node is idle now");
    }

    [Fact]
    public void Small_jobs_release_only_once_their_allocations_add_up_to_a_large_one()
    {
        var release = new IdleMemoryRelease(NullLogger<IdleMemoryRelease>.Instance);
        var allocated = 0L;
        var releases = new List<long>();
        for (var job = 0; job < 100; job++)
        {
            release.JobStarted();
            allocated += Large / 32;
            if (release.JobEnded(allocated))
            {
                releases.Add(allocated);
            }
        }

        releases.Should().Equal(Large, 2 * Large, 3 * Large);
    }
}

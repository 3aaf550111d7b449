using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Tests.Storage;

public sealed class InMemoryJobRunStoreTests
{
    private static readonly DateTimeOffset Created = new(2026, 1, 31, 8, 0, 0, TimeSpan.Zero);

    private readonly InMemoryJobRunStore _store = new();

    [Fact]
    public async Task Create_after_Start_does_not_overwrite_the_started_record()
    {
        await _store.StartAsync(Run(RunStatus.Running) with { StartedAt = Created, Steps = [StepRun.Pending("Get", "FileTransfer")] }, CancellationToken.None);

        await _store.CreateAsync(Run(RunStatus.Queued), CancellationToken.None);

        var run = await _store.FindAsync("job-1", CancellationToken.None);
        run!.Status.Should().Be(RunStatus.Running);
        run.Steps.Should().ContainSingle();
    }

    [Fact]
    public async Task Start_keeps_the_creation_time_and_SaveStep_and_Finish_update_the_record()
    {
        await _store.CreateAsync(Run(RunStatus.Queued), CancellationToken.None);
        await _store.StartAsync(Run(RunStatus.Running) with { CreatedAt = Created.AddHours(1), StartedAt = Created.AddHours(1), Steps = [StepRun.Pending("Get", "FileTransfer")] }, CancellationToken.None);
        var step = StepRun.Pending("Get", "FileTransfer") with { Status = StepStatus.Failed, Error = "gone" };

        await _store.SaveStepAsync("job-1", 0, step, [], CancellationToken.None);
        await _store.FinishAsync("job-1", RunStatus.Failed, Created.AddHours(2), "Get failed: gone", null, [], CancellationToken.None);

        var run = await _store.FindAsync("job-1", CancellationToken.None);
        run!.CreatedAt.Should().Be(Created);
        run.Status.Should().Be(RunStatus.Failed);
        run.FinishedAt.Should().Be(Created.AddHours(2));
        run.Error.Should().Be("Get failed: gone");
        run.Steps.Should().Equal(step);
    }

    [Fact]
    public async Task The_log_lines_of_a_step_end_and_of_the_record_end_go_to_the_stores_log()
    {
        var log = new InMemoryJobLog();
        var store = new InMemoryJobRunStore(new InMemoryIdempotencyKeys(TimeProvider.System), log);
        await store.StartAsync(Run(RunStatus.Running) with { StartedAt = Created, Steps = [StepRun.Pending("Get", "FileTransfer")] }, CancellationToken.None);

        await store.SaveStepAsync("job-1", 0, StepRun.Pending("Get", "FileTransfer") with { Status = StepStatus.Completed }, [new(Created, "Get", "Information", "Get completed")], CancellationToken.None);
        await store.FinishAsync("job-1", RunStatus.Completed, Created.AddHours(1), null, null, [new(Created, null, "Information", "Job finished")], CancellationToken.None);

        (await log.ReadAsync("job-1", CancellationToken.None)).Select(l => l.Message).Should().Equal("Get completed", "Job finished");
    }

    [Fact]
    public async Task Find_of_an_unknown_job_is_null()
    {
        (await _store.FindAsync("no-such-job", CancellationToken.None)).Should().BeNull();
    }

    private static JobRun Run(RunStatus status) => new("job-1", "orders-import", status, Created, null, null, [], null, []);
}

using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Tests.Storage;

/// <summary>The stores behind job control (list, log, purge, repair) on real PostgreSQL.</summary>
public sealed class JobControlStoresTests(JobRunDatabase database) : IClassFixture<JobRunDatabase>
{
    private static readonly DateTimeOffset Start = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private readonly string _workflow = $"wf-{Guid.NewGuid():N}";

    [Fact]
    public async Task List_filters_by_workflow_status_and_creation_time_newest_first_with_the_total()
    {
        var store = database.Store;
        for (var i = 0; i < 5; i++)
        {
            await store.CreateAsync(Run($"{_workflow}-{i}", Start.AddMinutes(i)), CancellationToken.None);
        }

        await store.FinishAsync($"{_workflow}-3", RunStatus.Failed, Start.AddHours(1), "boom", null, [], CancellationToken.None);

        var page = await store.ListAsync(new JobRunQuery(null, _workflow.ToUpperInvariant(), null, null, 2, 1), CancellationToken.None);
        var failed = await store.ListAsync(new JobRunQuery(RunStatus.Failed, _workflow, null, null, 10, 0), CancellationToken.None);
        var window = await store.ListAsync(new JobRunQuery(null, _workflow, Start.AddMinutes(1), Start.AddMinutes(3), 10, 0), CancellationToken.None);

        page.Total.Should().Be(5);
        page.Runs.Select(r => r.JobId).Should().Equal($"{_workflow}-3", $"{_workflow}-2");
        failed.Runs.Should().ContainSingle().Which.Error.Should().Be("boom");
        window.Runs.Select(r => r.JobId).Should().Equal($"{_workflow}-2", $"{_workflow}-1");
    }

    [Fact]
    public async Task Create_records_the_version_and_the_retried_job_Start_records_the_version_that_runs_and_says_whether_a_delivery_had_started()
    {
        var store = database.Store;
        var jobId = $"{_workflow}-r";
        await store.CreateAsync(Run(jobId, Start) with { WorkflowVersion = 7, RetryOf = "41" }, CancellationToken.None);
        var created = await store.FindAsync(jobId, CancellationToken.None);

        var first = await store.StartAsync(Run(jobId, Start) with { Status = RunStatus.Running, StartedAt = Start, WorkflowVersion = 8 }, CancellationToken.None);
        var again = await store.StartAsync(Run(jobId, Start) with { Status = RunStatus.Running, StartedAt = Start.AddMinutes(1) }, CancellationToken.None);

        created!.WorkflowVersion.Should().Be(7);
        first.Should().BeFalse("the record was only created");
        again.Should().BeTrue("the first delivery had started the job");
        var run = await store.FindAsync(jobId, CancellationToken.None);
        run!.WorkflowVersion.Should().Be(8, "the version that ran, kept when a later start does not say");
        run.RetryOf.Should().Be("41");
        run.Status.Should().Be(RunStatus.Running);
    }

    [Fact]
    public async Task Finish_writes_the_outputs_with_the_end_and_a_finish_without_outputs_keeps_them()
    {
        var store = database.Store;
        var jobId = $"{_workflow}-o";
        await store.StartAsync(Run(jobId, Start) with { Status = RunStatus.Running, StartedAt = Start }, CancellationToken.None);

        await store.FinishAsync(jobId, RunStatus.Completed, Start.AddMinutes(1), null, new Dictionary<string, object?> { ["rowsLoaded"] = 20L, ["note"] = "ok" }, [], CancellationToken.None);
        var finished = await store.FindAsync(jobId, CancellationToken.None);
        await store.FinishAsync(jobId, RunStatus.Failed, Start.AddMinutes(2), "ended again", null, [], CancellationToken.None);
        var again = await store.FindAsync(jobId, CancellationToken.None);

        finished!.Status.Should().Be(RunStatus.Completed);
        finished.FinishedAt.Should().Be(Start.AddMinutes(1));
        finished.Outputs.Should().BeEquivalentTo(new Dictionary<string, object?> { ["rowsLoaded"] = 20L, ["note"] = "ok" });
        again!.Error.Should().Be("ended again");
        again.Outputs.Should().BeEquivalentTo(finished.Outputs);
    }

    [Fact]
    public async Task Job_log_lines_come_back_in_the_order_written_with_their_steps_and_times()
    {
        var log = new PostgreSqlJobLog(database.DataSource);
        var jobId = $"{_workflow}-log";
        await log.AppendAsync(jobId, [new(Start, null, "Information", "job started"), new(Start.AddSeconds(1), "Get", "Information", "downloading")], CancellationToken.None);
        await log.AppendAsync(jobId, [new(Start.AddSeconds(2), "Get", "Error", "550 not found")], CancellationToken.None);
        await log.AppendAsync(jobId, [], CancellationToken.None);

        var lines = await log.ReadAsync(jobId, CancellationToken.None);

        lines.Select(l => l.Message).Should().Equal("job started", "downloading", "550 not found");
        lines[1].Step.Should().Be("Get");
        lines[0].Step.Should().BeNull();
        lines[2].Timestamp.Should().Be(Start.AddSeconds(2));
        (await log.ReadAsync("no-such-job", CancellationToken.None)).Should().BeEmpty();
    }

    [Fact]
    public Task Purge_deletes_the_records_and_logs_of_jobs_that_ended_before_the_cutoff_on_PostgreSQL() =>
        PurgeDeletesOnlyEndedJobsBeforeTheCutoff(database.Store, new PostgreSqlJobLog(database.DataSource));

    [Fact]
    public Task Purge_deletes_the_records_and_logs_of_jobs_that_ended_before_the_cutoff_in_memory() =>
        PurgeDeletesOnlyEndedJobsBeforeTheCutoff(new InMemoryJobRunStore(), new InMemoryJobLog());

    private async Task PurgeDeletesOnlyEndedJobsBeforeTheCutoff(IJobRunStore store, IJobLog log)
    {
        // Long before every other test's jobs, so that the purge touches only these.
        var old = new DateTimeOffset(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);
        string[] ids = [$"{_workflow}-completed", $"{_workflow}-failed", $"{_workflow}-running", $"{_workflow}-recent"];
        foreach (var id in ids)
        {
            await store.CreateAsync(Run(id, old), CancellationToken.None);
            await log.AppendAsync(id, [new(old, null, "Information", "started")], CancellationToken.None);
        }

        await store.StartAsync(Run(ids[2], old) with { Status = RunStatus.Running, StartedAt = old }, CancellationToken.None);
        await store.FinishAsync(ids[0], RunStatus.Completed, old.AddDays(1), null, null, [], CancellationToken.None);
        await store.FinishAsync(ids[1], RunStatus.Failed, old.AddDays(2), "boom", null, [], CancellationToken.None);
        await store.FinishAsync(ids[3], RunStatus.Completed, old.AddDays(40), null, null, [], CancellationToken.None);

        var purged = await store.PurgeAsync(old.AddDays(30), CancellationToken.None);
        await log.DeleteAsync(purged, CancellationToken.None);

        purged.Should().BeEquivalentTo(ids[0], ids[1]);
        (await store.FindAsync(ids[0], CancellationToken.None)).Should().BeNull();
        (await store.FindAsync(ids[2], CancellationToken.None)).Should().NotBeNull("a running job is never purged");
        (await store.FindAsync(ids[3], CancellationToken.None)).Should().NotBeNull("it ended after the cutoff");
        (await log.ReadAsync(ids[1], CancellationToken.None)).Should().BeEmpty();
        (await log.ReadAsync(ids[3], CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_repair_ends_only_an_open_record_with_its_running_steps_and_open_records_are_listed_oldest_first()
    {
        foreach (var store in new IJobRunStore[] { database.Store, new InMemoryJobRunStore() })
        {
            var (running, queued, ended, young) = ($"{_workflow}-run", $"{_workflow}-queued", $"{_workflow}-ended", $"{_workflow}-young");
            await store.CreateAsync(Run(queued, Start.AddMinutes(1)), CancellationToken.None);
            await store.CreateAsync(Run(young, Start.AddHours(2)), CancellationToken.None);
            await store.StartAsync(
                Run(running, Start) with
                {
                    Status = RunStatus.Running,
                    StartedAt = Start,
                    Steps = [new("Get", "FileTransfer", StepStatus.Completed, Start, Start, new Dictionary<string, object?>(), null), new("Load", "RunDataflow", StepStatus.Running, Start, null, new Dictionary<string, object?>(), null)],
                },
                CancellationToken.None);
            await store.CreateAsync(Run(ended, Start), CancellationToken.None);
            await store.FinishAsync(ended, RunStatus.Completed, Start.AddMinutes(5), null, null, [], CancellationToken.None);

            var open = await store.ListOpenAsync(Start.AddHours(1), 1000, CancellationToken.None);
            var first = await store.EndIfOpenAsync(running, RunStatus.Failed, Start.AddHours(1), "57P01", CancellationToken.None);
            var again = await store.EndIfOpenAsync(running, RunStatus.Cancelled, Start.AddHours(1), "other", CancellationToken.None);
            var notOpen = await store.EndIfOpenAsync(ended, RunStatus.Failed, Start.AddHours(1), "late", CancellationToken.None);

            open.Select(r => r.JobId).Where(id => id.StartsWith(_workflow, StringComparison.Ordinal)).Should().Equal(running, queued);
            (first, again, notOpen).Should().Be((true, false, false));
            var repaired = await store.FindAsync(running, CancellationToken.None);
            (repaired!.Status, repaired.Error).Should().Be((RunStatus.Failed, "57P01"));
            repaired.Steps.Select(s => (s.Status, s.Error)).Should().Equal((StepStatus.Completed, null), (StepStatus.Failed, "57P01"));
            (await store.FindAsync(ended, CancellationToken.None))!.Status.Should().Be(RunStatus.Completed);
        }
    }

    private JobRun Run(string jobId, DateTimeOffset created) =>
        new(jobId, _workflow, RunStatus.Queued, created, null, null, [new ParameterAssignment("Variables", "x", "1")], null, []);
}

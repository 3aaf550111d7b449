using Npgsql;
using Scheduler.Testing;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Tests.Storage;

/// <summary>One fresh database for the class, on the shared real PostgreSQL server.</summary>
public sealed class JobRunDatabase : IAsyncLifetime
{
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public PostgreSqlJobRunStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        DataSource = NpgsqlDataSource.Create(await PostgresServer.Shared.CreateDatabaseAsync("job_runs"));
        Store = new PostgreSqlJobRunStore(DataSource);
        await Store.EnsureSchemaAsync(CancellationToken.None);
    }

    public async Task DisposeAsync() => await DataSource.DisposeAsync();
}

public sealed class PostgreSqlJobRunStoreTests(JobRunDatabase database) : IClassFixture<JobRunDatabase>
{
    // PostgreSQL keeps microseconds; whole seconds compare exactly after the round trip. Not UTC on purpose: the
    // store converts, and the instant is what must survive.
    private static readonly DateTimeOffset Created = new(2026, 1, 31, 8, 0, 0, TimeSpan.FromHours(1));

    // StartAsync does not convert the start time to UTC (see the skipped test), so start times are given in UTC.
    private static readonly DateTimeOffset StartedUtc = Created.AddMinutes(1).ToUniversalTime();

    private readonly PostgreSqlJobRunStore _store = database.Store;
    private readonly string _jobId = $"job-{Guid.NewGuid():N}";

    [Fact]
    public async Task EnsureSchema_run_again_is_harmless_and_keeps_the_records()
    {
        await _store.CreateAsync(Queued(), CancellationToken.None);

        await _store.EnsureSchemaAsync(CancellationToken.None);
        await _store.EnsureSchemaAsync(CancellationToken.None);

        (await Find()).Status.Should().Be(RunStatus.Queued);
    }

    [Fact]
    public async Task Create_Start_SaveStep_Finish_then_Find_round_trips_every_field()
    {
        var started = StartedUtc;
        var step = Created.AddMinutes(1);
        var assignments = new List<ParameterAssignment>
        {
            new("Variables", "sourceFilePath", "in/orders.csv"),
            new("FileTransferTask1", "remotePath", null),
        };
        await _store.CreateAsync(Queued() with { Parameters = assignments }, CancellationToken.None);
        await _store.StartAsync(
            Queued() with { Status = RunStatus.Running, CreatedAt = started, StartedAt = started, Parameters = assignments, Steps = [StepRun.Pending("Get", "FileTransfer"), StepRun.Pending("Load", "RunDataflow")] },
            CancellationToken.None);
        var outputs = new Dictionary<string, object?>
        {
            ["localPath"] = "/jobs/1/downloads/orders.csv",
            ["size"] = 5_000_000_000L,
            ["ratio"] = 10.25m,
            ["rejectedRowsPath"] = null,
            ["ok"] = true,
            ["localPaths"] = new List<string> { "/jobs/1/downloads/a.csv", "/jobs/1/downloads/b.csv" },
            ["count"] = 2,
        };
        var get = new StepRun("Get", "FileTransfer", StepStatus.Completed, step.AddSeconds(1), step.AddSeconds(2), outputs, null);
        var load = new StepRun("Load", "RunDataflow", StepStatus.Failed, step.AddSeconds(3), step.AddSeconds(4), new Dictionary<string, object?>(), "the column 'amount' is missing");
        await _store.SaveStepAsync(_jobId, 0, StepRun.Pending("Get", "FileTransfer") with { Status = StepStatus.Running, StartedAt = step.AddSeconds(1) }, [], CancellationToken.None);
        await _store.SaveStepAsync(_jobId, 0, get, [], CancellationToken.None);
        await _store.SaveStepAsync(_jobId, 1, load, [], CancellationToken.None);
        await _store.FinishAsync(_jobId, RunStatus.Failed, step.AddSeconds(5), "Load failed: the column 'amount' is missing", null, [], CancellationToken.None);

        var run = await Find();

        run.JobId.Should().Be(_jobId);
        run.Workflow.Should().Be("orders-import");
        run.Status.Should().Be(RunStatus.Failed);
        run.CreatedAt.Should().Be(Created, "the created record keeps its time");
        run.StartedAt.Should().Be(started);
        run.FinishedAt.Should().Be(step.AddSeconds(5));
        run.Error.Should().Be("Load failed: the column 'amount' is missing");
        run.Parameters.Should().Equal(assignments);
        run.Steps.Should().HaveCount(2);
        run.Steps[0].Should().BeEquivalentTo(get, o => o.Excluding(s => s.Outputs));
        run.Steps[0].Outputs["localPaths"].Should().BeAssignableTo<IReadOnlyList<string>>()
            .Which.Should().Equal("/jobs/1/downloads/a.csv", "/jobs/1/downloads/b.csv");
        run.Steps[0].Outputs["count"].Should().Be(2L, "an int output reads back as the long every whole number is");
        run.Steps[0].Outputs["localPath"].Should().Be("/jobs/1/downloads/orders.csv");
        run.Steps[0].Outputs["ok"].Should().Be(true);
        run.Steps[0].Outputs["size"].Should().BeOfType<long>().Which.Should().Be(5_000_000_000L);
        run.Steps[0].Outputs["ratio"].Should().BeOfType<decimal>().Which.Should().Be(10.25m);
        run.Steps[0].Outputs["rejectedRowsPath"].Should().BeNull();
        run.Steps[1].Should().BeEquivalentTo(load);
    }

    [Fact]
    public async Task Create_after_Start_does_not_overwrite_the_started_record()
    {
        var started = StartedUtc;
        await _store.StartAsync(
            Queued() with { Status = RunStatus.Running, StartedAt = started, Steps = [StepRun.Pending("Get", "FileTransfer")] },
            CancellationToken.None);

        await _store.CreateAsync(Queued() with { Workflow = "another" }, CancellationToken.None);

        var run = await Find();
        run.Status.Should().Be(RunStatus.Running);
        run.Workflow.Should().Be("orders-import");
        run.StartedAt.Should().Be(started);
        run.Steps.Should().ContainSingle().Which.Name.Should().Be("Get");
    }

    [Fact]
    public async Task Start_again_resets_the_steps_and_the_outcome()
    {
        await _store.StartAsync(Started([StepRun.Pending("Get", "FileTransfer"), StepRun.Pending("Load", "RunDataflow")]), CancellationToken.None);
        await _store.SaveStepAsync(
            _jobId, 0, new StepRun("Get", "FileTransfer", StepStatus.Failed, Created, Created, new Dictionary<string, object?> { ["size"] = 1L }, "gone"), [], CancellationToken.None);
        await _store.FinishAsync(_jobId, RunStatus.Failed, Created.AddSeconds(9), "Get failed: gone", null, [], CancellationToken.None);

        var restarted = StartedUtc.AddMinutes(5);
        await _store.StartAsync(Started([StepRun.Pending("Get", "FileTransfer")]) with { StartedAt = restarted }, CancellationToken.None);

        var run = await Find();
        run.Status.Should().Be(RunStatus.Running);
        run.StartedAt.Should().Be(restarted);
        run.FinishedAt.Should().BeNull();
        run.Error.Should().BeNull();
        run.Steps.Should().ContainSingle().Which.Should().BeEquivalentTo(StepRun.Pending("Get", "FileTransfer"));
    }

    [Fact]
    public async Task Start_accepts_a_start_time_with_any_offset()
    {
        var started = Created.AddMinutes(1);

        await _store.StartAsync(Queued() with { Status = RunStatus.Running, StartedAt = started }, CancellationToken.None);

        (await Find()).StartedAt.Should().Be(started);
    }

    [Fact]
    public async Task A_running_job_marked_Cancelling_stays_so_until_it_finishes_and_a_finished_one_is_not_marked()
    {
        await _store.StartAsync(Started([StepRun.Pending("Load", "RunDataflow")]), CancellationToken.None);

        (await _store.MarkCancellingAsync(_jobId, CancellationToken.None)).Should().BeTrue();
        await _store.StartAsync(Started([StepRun.Pending("Load", "RunDataflow")]), CancellationToken.None);
        var stopping = await _store.FindAsync(_jobId, CancellationToken.None);
        var listed = await _store.ListAsync(new JobRunQuery(RunStatus.Cancelling, null, null, null, 10, 0), CancellationToken.None);
        await _store.FinishAsync(_jobId, RunStatus.Completed, StartedUtc.AddMinutes(1), null, null, [], CancellationToken.None);
        var markedLate = await _store.MarkCancellingAsync(_jobId, CancellationToken.None);

        stopping!.Status.Should().Be(RunStatus.Cancelling, "a worker that starts the job after the cancel keeps it");
        listed.Runs.Select(r => r.JobId).Should().Contain(_jobId);
        markedLate.Should().BeFalse();
        (await _store.FindAsync(_jobId, CancellationToken.None))!.Status.Should().Be(RunStatus.Completed);
    }

    [Fact]
    public async Task Find_of_an_unknown_job_is_null()
    {
        (await _store.FindAsync("no-such-job", CancellationToken.None)).Should().BeNull();
    }

    [Fact]
    public async Task A_step_end_and_the_record_end_are_each_written_with_their_log_lines_in_one_transaction()
    {
        await _store.StartAsync(Started([StepRun.Pending("Get", "FileTransfer")]), CancellationToken.None);
        var get = new StepRun("Get", "FileTransfer", StepStatus.Completed, Created, Created.AddSeconds(1), new Dictionary<string, object?>(), null);

        await _store.SaveStepAsync(_jobId, 0, get, [Line("Get", "Get started"), Line("Get", "Get completed in 1 s")], CancellationToken.None);
        await _store.FinishAsync(_jobId, RunStatus.Completed, Created.AddSeconds(2), null, null, [Line(null, "Job finished Completed")], CancellationToken.None);

        var log = await new PostgreSqlJobLog(database.DataSource).ReadAsync(_jobId, CancellationToken.None);
        log.Select(l => l.Message).Should().Equal("Get started", "Get completed in 1 s", "Job finished Completed");
        (await TransactionsAsync("SELECT xmin::text FROM scheduler.job_steps WHERE job_id = $1 UNION SELECT xmin::text FROM scheduler.job_log WHERE job_id = $1 AND step = 'Get'"))
            .Should().ContainSingle("the step and its lines are one write");
        (await TransactionsAsync("SELECT xmin::text FROM scheduler.job_runs WHERE job_id = $1 UNION SELECT xmin::text FROM scheduler.job_log WHERE job_id = $1 AND step IS NULL"))
            .Should().ContainSingle("the record's end and its line are one write");
    }

    [Fact]
    public async Task A_step_end_whose_log_lines_cannot_be_written_is_not_written_either()
    {
        await _store.StartAsync(Started([StepRun.Pending("Get", "FileTransfer")]), CancellationToken.None);
        var get = new StepRun("Get", "FileTransfer", StepStatus.Completed, Created, Created.AddSeconds(1), new Dictionary<string, object?>(), null);
        // The log's insert fails for this job alone, after the step's upsert in the same batch has run.
        var refuse = "refuse_" + _jobId.Replace('-', '_');
        await ExecuteAsync($"""
            CREATE FUNCTION {refuse}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RAISE EXCEPTION 'refused by the test'; END $$;
            CREATE TRIGGER {refuse} BEFORE INSERT ON scheduler.job_log FOR EACH ROW WHEN (NEW.job_id = '{_jobId}') EXECUTE FUNCTION {refuse}();
            """);

        var save = () => _store.SaveStepAsync(_jobId, 0, get, [Line("Get", "Get completed in 1 s")], CancellationToken.None);

        await save.Should().ThrowAsync<PostgresException>().WithMessage("*refused by the test*");
        await ExecuteAsync($"DROP TRIGGER {refuse} ON scheduler.job_log; DROP FUNCTION {refuse}()");
        (await Find()).Steps.Should().ContainSingle().Which.Status.Should().Be(StepStatus.Pending);
    }

    [Fact]
    public async Task An_error_and_log_lines_that_quote_text_PostgreSQL_cannot_store_are_written_with_a_replacement_character()
    {
        await _store.StartAsync(Started([StepRun.Pending("Load", "RunDataflow")]), CancellationToken.None);
        var hostile = $"'1\02{(char)0xD800}' is not a decimal";
        var load = new StepRun("Load", "RunDataflow", StepStatus.Failed, Created, Created.AddSeconds(1), new Dictionary<string, object?>(), hostile);

        await _store.SaveStepAsync(_jobId, 0, load, [Line("Load", $"Load failed: {hostile}")], CancellationToken.None);
        await _store.FinishAsync(_jobId, RunStatus.Failed, Created.AddSeconds(2), $"Load failed: {hostile}", null, [], CancellationToken.None);

        var run = await Find();
        run.Status.Should().Be(RunStatus.Failed);
        run.Error.Should().Be("Load failed: '1\uFFFD2\uFFFD' is not a decimal");
        run.Steps.Single().Error.Should().Be("'1\uFFFD2\uFFFD' is not a decimal");
        (await new PostgreSqlJobLog(database.DataSource).ReadAsync(_jobId, CancellationToken.None)).Single().Message
            .Should().Be("Load failed: '1\uFFFD2\uFFFD' is not a decimal");
    }

    [Fact]
    public async Task Outputs_that_hold_text_PostgreSQL_cannot_store_are_written_with_a_replacement_character()
    {
        await _store.StartAsync(Started([StepRun.Pending("Get", "FileTransfer")]), CancellationToken.None);
        var outputs = new Dictionary<string, object?> { ["names"] = new List<string> { "fine.csv", "odd\0.csv" }, ["localPath"] = $"in/{(char)0xD800}.csv", ["count"] = 2L };
        var get = new StepRun("Get", "FileTransfer", StepStatus.Completed, Created, Created.AddSeconds(1), outputs, null);

        await _store.SaveStepAsync(_jobId, 0, get, [], CancellationToken.None);
        await _store.FinishAsync(_jobId, RunStatus.Completed, Created.AddSeconds(2), null, outputs, [], CancellationToken.None);

        var run = await Find();
        foreach (var written in new[] { run.Steps.Single().Outputs, run.Outputs })
        {
            written["names"].Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().Equal("fine.csv", "odd\uFFFD.csv");
            written["localPath"].Should().Be("in/\uFFFD.csv");
            written["count"].Should().Be(2L);
        }
    }

    private static JobLogLine Line(string? step, string message) => new(Created, step, "Information", message);

    private async Task ExecuteAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    private async Task<List<string>> TransactionsAsync(string sql)
    {
        await using var command = database.DataSource.CreateCommand(sql);
        command.Parameters.Add(new() { Value = _jobId });
        var transactions = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            transactions.Add(reader.GetString(0));
        }

        return transactions;
    }

    private JobRun Queued() => new(_jobId, "orders-import", RunStatus.Queued, Created, null, null, [], null, []);

    private JobRun Started(IReadOnlyList<StepRun> steps) => Queued() with { Status = RunStatus.Running, StartedAt = StartedUtc, Steps = steps };

    private async Task<JobRun> Find() => (await _store.FindAsync(_jobId, CancellationToken.None))!;
}

using System.Net.Http.Json;
using System.Text.Json;
using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Runs;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>
/// Records left open while the queue ended their jobs (a node or the database gone mid-job), faked by changing
/// Hangfire's storage directly, are ended as Hangfire ended them, and the list and the details then say the same.
/// A Web node runs no worker, so the jobs stay queued until a test moves them.
/// </summary>
public sealed class JobRecordRepairTests : IAsyncLifetime
{
    // Set in InitializeAsync.
    private SchedulerApp App { get; set; } = null!;

    private HttpClient Client { get; set; } = null!;

    private string Database { get; set; } = "";

    public async Task InitializeAsync()
    {
        Database = await PostgresServer.Shared.CreateDatabaseAsync("repair");
        App = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Scheduler"] = Database,
            ["Scheduler:Role"] = "Web",
        }));
        Client = await App.LoginAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await App.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
    }

    [Fact]
    public async Task A_running_record_whose_job_failed_in_the_queue_is_ended_Failed_by_the_reconciler_with_the_reason()
    {
        var jobId = await RunningJobAsync();
        SetStateBehindTheFilters(jobId, new FailedState(new InvalidOperationException("57P01: terminating connection due to administrator command")));
        await AgeAsync(jobId);

        (await Reconciler.ReconcileAsync(CancellationToken.None)).Should().BeGreaterThanOrEqualTo(1);

        var details = await AgreedAsync(jobId, "Failed");
        details.Text("error").Should().Contain("57P01").And.Contain("InvalidOperationException");
        details.Step("FileTransferTask1").Text("status").Should().Be("Failed");
    }

    [Fact]
    public async Task A_running_record_is_ended_Failed_at_once_when_Hangfire_moves_its_job_to_Failed()
    {
        var jobId = await RunningJobAsync();

        App.Services.GetRequiredService<IBackgroundJobClient>()
            .ChangeState(jobId, new FailedState(new TimeoutException("Failed to connect to 127.0.0.1:5432")), expectedState: null);

        var details = await AgreedAsync(jobId, "Failed");
        details.Text("error").Should().Contain("Failed to connect");
        details.Step("FileTransferTask1").Text("status").Should().Be("Failed");
    }

    [Fact]
    public async Task A_record_whose_job_is_gone_from_the_queue_is_ended_Failed_and_says_so()
    {
        var jobId = await Client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        await SqlAsync($"DELETE FROM hangfire.job WHERE id = {jobId}");
        await AgeAsync(jobId);

        await Reconciler.ReconcileAsync(CancellationToken.None);

        (await AgreedAsync(jobId, "Failed")).Text("error").Should().Contain("no longer has this job");
    }

    [Fact]
    public async Task A_job_row_left_with_no_state_is_marked_Failed_visibly_in_the_queue_and_the_list()
    {
        string jobId;
        using (var connection = App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            jobId = connection.CreateExpiredJob(
                WorkflowJob.Call("local-orders-import", [new("Variables", "sourceFilePath", "orders.csv")]),
                new Dictionary<string, string?>(),
                DateTime.UtcNow.AddMinutes(-5),
                TimeSpan.FromDays(1));
        }

        (await Client.GetAsync($"/api/jobs/{jobId}")).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);

        await Reconciler.ReconcileAsync(CancellationToken.None);

        var details = await AgreedAsync(jobId, "Failed");
        details.Text("state").Should().Be("Failed");
        details.Text("error").Should().Contain("never ran");
    }

    [Fact]
    public async Task A_job_row_left_with_no_state_that_cannot_be_decided_does_not_keep_the_next_one_from_being_decided()
    {
        // A NUL in a parameter (no request can give one) makes the record's jsonb refuse it: this row stays undecided.
        string undecidable, next;
        using (var connection = App.Services.GetRequiredService<JobStorage>().GetConnection())
        {
            string Stateless(string file) => connection.CreateExpiredJob(
                WorkflowJob.Call("local-orders-import", [new("Variables", "sourceFilePath", file)]),
                new Dictionary<string, string?>(),
                DateTime.UtcNow.AddMinutes(-5),
                TimeSpan.FromDays(1));
            undecidable = Stateless("orders\0.csv");
            next = Stateless("orders.csv");
        }

        await Reconciler.ReconcileAsync(CancellationToken.None);

        (await AgreedAsync(next, "Failed")).Text("error").Should().Contain("never ran");
        (await Client.GetAsync($"/api/jobs/{undecidable}")).StatusCode.Should().Be(System.Net.HttpStatusCode.NotFound);
        App.LogLines.Should().Contain(line => line.Contains($"job {undecidable}, left with no state, could not be queued or failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_running_record_is_ended_Completed_in_the_statement_that_moves_its_job_to_Succeeded()
    {
        var jobId = await RunningJobAsync();

        App.Services.GetRequiredService<IBackgroundJobClient>().ChangeState(jobId, new SucceededState(null, 0, 0), expectedState: null);

        (await AgreedAsync(jobId, "Completed")).Text("error").Should().Contain("did not record its end");
        (await SameTransactionAsync(jobId, "Succeeded")).Should().BeTrue("the record's end travels in the Succeeded state's statement");
    }

    [Fact]
    public async Task A_run_requests_record_is_written_in_the_statement_that_enqueues_its_job_and_a_scheduled_jobs_before_it()
    {
        var requested = await Client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        var scheduled = App.Services.GetRequiredService<IBackgroundJobClient>().Create(
            WorkflowJob.Call("local-orders-import", [new("Variables", "sourceFilePath", "orders.csv")]), new ScheduledState(TimeSpan.FromHours(1)));

        (await SameTransactionAsync(requested, "Enqueued")).Should().BeTrue("the record is one more CTE of the Enqueued state's statement");
        (await Runs.FindAsync(scheduled, CancellationToken.None))!.Status.Should().Be(RunStatus.Queued);
        (await SameTransactionAsync(scheduled, "Scheduled")).Should().BeFalse("a scheduled job's state commits the library's way, after the record");
    }

    [Fact]
    public async Task A_job_that_fails_after_its_record_says_Completed_ends_Succeeded_as_its_record_says()
    {
        var jobId = await RunningJobAsync();
        await Runs.FinishAsync(jobId, RunStatus.Completed, DateTimeOffset.UtcNow, null, null, [], CancellationToken.None);

        App.Services.GetRequiredService<IBackgroundJobClient>()
            .ChangeState(jobId, new FailedState(new NpgsqlException("the outputs could not be saved")), expectedState: null);

        (await AgreedAsync(jobId, "Completed")).Text("state").Should().Be("Succeeded");
    }

    [Fact]
    public async Task A_job_waiting_to_run_again_after_a_database_failure_is_cancelled_at_once()
    {
        var jobId = await RunningJobAsync();
        App.Services.GetRequiredService<IBackgroundJobClient>().ChangeState(jobId, new ScheduledState(TimeSpan.FromMinutes(5)), expectedState: null);

        var cancel = await Client.PostAsync($"/api/jobs/{jobId}/cancel", null);

        cancel.StatusCode.Should().Be(System.Net.HttpStatusCode.Accepted, await cancel.Content.ReadAsStringAsync());
        (await cancel.Content.ReadFromJsonAsync<JsonElement>()).Text("status").Should().Be("Cancelled");
        (await AgreedAsync(jobId, "Cancelled")).Step("FileTransferTask1").Text("status").Should().Be("Cancelled");
    }

    private JobReconciler Reconciler => App.Services.GetRequiredService<JobReconciler>();

    private IJobRunStore Runs => App.Services.GetRequiredService<IJobRunStore>();

    // A job whose record says Running with its first step Running, as a worker leaves it when it loses the database.
    private async Task<string> RunningJobAsync()
    {
        var jobId = await Client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        var run = await Runs.FindAsync(jobId, CancellationToken.None);
        var now = DateTimeOffset.UtcNow;
        await Runs.StartAsync(
            run! with
            {
                Status = RunStatus.Running,
                StartedAt = now,
                Steps = [new StepRun("FileTransferTask1", "FileTransfer", StepStatus.Running, now, null, new Dictionary<string, object?>(), null)],
            },
            CancellationToken.None);
        return jobId;
    }

    // Straight into Hangfire's storage, past every state filter, as a crash between two writes leaves it.
    private void SetStateBehindTheFilters(string jobId, IState state)
    {
        using var connection = App.Services.GetRequiredService<JobStorage>().GetConnection();
        using var transaction = connection.CreateWriteTransaction();
        transaction.SetJobState(jobId, state);
        transaction.Commit();
    }

    /// <summary>Whether the job's record was last written by the transaction that wrote its state <paramref name="state"/>.</summary>
    private async Task<bool> SameTransactionAsync(string jobId, string state)
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var command = dataSource.CreateCommand($"""
            SELECT (SELECT xmin::text FROM scheduler.job_runs WHERE job_id = '{jobId}')
                = (SELECT xmin::text FROM hangfire.state WHERE jobid = {jobId} AND name = '{state}')
            """);
        return (bool)(await command.ExecuteScalarAsync())!;
    }

    // The reconciler leaves young records alone: they may still be on their way.
    private Task AgeAsync(string jobId) =>
        SqlAsync($"UPDATE scheduler.job_runs SET created_at = created_at - interval '5 minutes' WHERE job_id = '{jobId}'");

    private async Task SqlAsync(string sql)
    {
        await using var dataSource = NpgsqlDataSource.Create(Database);
        await using var command = dataSource.CreateCommand(sql);
        await command.ExecuteNonQueryAsync();
    }

    /// <summary>The details, after checking that they, the status and the list say <paramref name="status"/> with the same error.</summary>
    private async Task<JsonElement> AgreedAsync(string jobId, string status)
    {
        var details = await Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}");
        var list = await Client.GetFromJsonAsync<JsonElement>("/api/jobs?limit=500");
        var listed = list.GetProperty("jobs").EnumerateArray().Single(j => j.Text("jobId") == jobId);
        var alone = await Client.GetFromJsonAsync<JsonElement>($"/api/jobs/{jobId}/status");

        details.Text("status").Should().Be(status, details.ToString());
        listed.Text("status").Should().Be(status);
        alone.Text("status").Should().Be(status);
        listed.Text("error").Should().Be(details.Text("error"));
        return details;
    }
}

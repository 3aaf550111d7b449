using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Scheduler.Web.Hosting;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Storage;

namespace Scheduler.Web.Tests.Jobs;

/// <summary>What finished jobs leave behind is deleted once the retention has passed, and nothing a running job needs.</summary>
public sealed class JobRetentionTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 6, 1, 12, 0, 0, TimeSpan.Zero);
    private readonly string _jobs = Directory.CreateTempSubdirectory("scheduler-retention-").FullName;
    private readonly InMemoryJobRunStore _runs = new();
    private readonly InMemoryJobLog _log = new();
    private readonly InMemorySecretValues _secrets = new(new FixedTime(Now));
    private readonly Dictionary<string, Guid> _secretOf = [];

    public void Dispose() => Directory.Delete(_jobs, recursive: true);

    [Fact]
    public async Task Purge_deletes_old_finished_jobs_with_their_log_secret_values_and_folder_and_keeps_running_and_recent_ones()
    {
        await AddJobAsync("1", RunStatus.Completed, ended: Now.AddDays(-40));
        await AddJobAsync("2", RunStatus.Running, ended: null);
        await AddJobAsync("3", RunStatus.Failed, ended: Now.AddDays(-2));
        Folder("1", Now.AddDays(-40));
        Folder("2", Now.AddDays(-40));
        Folder("3", Now.AddDays(-2));
        Folder("99", Now.AddDays(-60)); // a job of an in-memory process that has since stopped: no record
        Folder("archive", Now.AddDays(-60)); // not a job's folder

        await Retention(TimeSpan.FromDays(30)).PurgeAsync(CancellationToken.None);

        (await _runs.FindAsync("1", CancellationToken.None)).Should().BeNull();
        (await _log.ReadAsync("1", CancellationToken.None)).Should().BeEmpty();
        (await _secrets.RevealAsync(_secretOf["1"], CancellationToken.None)).Should().BeNull();
        (await _secrets.RevealAsync(_secretOf["2"], CancellationToken.None)).Should().NotBeNull("a running job needs its secret values");
        (await _secrets.RevealAsync(_secretOf["3"], CancellationToken.None)).Should().NotBeNull();
        Directory.Exists(Path.Combine(_jobs, "1")).Should().BeFalse();
        Directory.Exists(Path.Combine(_jobs, "99")).Should().BeFalse();
        Directory.Exists(Path.Combine(_jobs, "2")).Should().BeTrue("a running job keeps its folder however old");
        Directory.Exists(Path.Combine(_jobs, "archive")).Should().BeTrue("only folders named as job ids are the service's");
        Directory.Exists(Path.Combine(_jobs, "3")).Should().BeTrue("it ended within the retention");
        (await _runs.FindAsync("3", CancellationToken.None)).Should().NotBeNull();
        (await _log.ReadAsync("3", CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public void A_retention_shorter_than_an_hour_stops_the_service_at_start_and_zero_keeps_jobs_for_ever()
    {
        var validator = new SchedulerOptionsValidator();

        validator.Validate(null, new SchedulerOptions { JobRetention = TimeSpan.FromMinutes(5) }).FailureMessage
            .Should().Contain("Scheduler:JobRetention");
        validator.Validate(null, new SchedulerOptions { JobRetention = TimeSpan.Zero }).Succeeded.Should().BeTrue();
    }

    private JobRetention Retention(TimeSpan retention) => new(
        _runs,
        _log,
        _secrets,
        new StorageChoice(Durable: true),
        Options.Create(new SchedulerOptions { WorkingDirectory = _jobs, JobRetention = retention }),
        new FixedTime(Now),
        NullLogger<JobRetention>.Instance);

    private async Task AddJobAsync(string id, RunStatus status, DateTimeOffset? ended)
    {
        var created = Now.AddDays(-90);
        await _runs.CreateAsync(new JobRun(id, "w", RunStatus.Queued, created, null, null, [new ParameterAssignment("Variables", "x", "1")], null, []), CancellationToken.None);
        await _runs.StartAsync(new JobRun(id, "w", RunStatus.Running, created, created, null, [], null, []), CancellationToken.None);
        if (ended is { } at)
        {
            await _runs.FinishAsync(id, status, at, null, null, [], CancellationToken.None);
        }

        await _log.AppendAsync(id, [new(created, null, "Information", "started")], CancellationToken.None);
        SecretReference.TryParse(await _secrets.KeepAsync("s3cr3t", SecretOwner.Job(id), CancellationToken.None), out var secret).Should().BeTrue();
        _secretOf[id] = secret;
    }

    private void Folder(string id, DateTimeOffset lastWrite)
    {
        var folder = Path.Combine(_jobs, id, "downloads");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "orders.csv"), "id\n1\n");
        Directory.SetLastWriteTimeUtc(Path.Combine(_jobs, id), lastWrite.UtcDateTime);
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}

using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Storage;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;
using Scheduler.Web.Jobs.Execution;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Triggers;

namespace Scheduler.Web.Schedules;

/// <summary>The outcome of saving a schedule: the schedule as saved, or every problem with the request.</summary>
internal sealed record ScheduleSave(ScheduleResponse? Schedule, bool Created, IReadOnlyDictionary<string, string[]> Problems);

/// <summary>
/// Schedules are Hangfire recurring jobs under their own ids, so that they show on the dashboard's recurring jobs
/// page and run on any worker node: a cron schedule's job runs the workflow, a file-drop schedule's job polls its
/// folder (<see cref="FileDropPollJob"/>); this lists both kinds. Hangfire has no pause: a paused schedule keeps its
/// recurring job, and with it its history, under a cron that never fires, and the schedule's own cron and state are
/// kept in the recurring job's hash.
/// </summary>
internal sealed partial class RecurringSchedules(
    RunRequestChecker checker,
    JobSecrets secrets,
    IRecurringJobManagerV2 recurringJobs,
    JobStorage storage,
    JobQueries jobs,
    ConnectionCatalog connections,
    IFileDropLedger fileDrops)
{
    // Hangfire keeps a recurring job in the hash "recurring-job:{id}" and writes only its own fields, so ours stay.
    private const string HashPrefix = "recurring-job:";
    private const string CronField = "Scheduler.Cron";
    private const string EnabledField = "Scheduler.Enabled";

    // As long as Hangfire waits for a recurring job's own lock: a holder only writes a few hash fields.
    private static readonly TimeSpan ChangeLockTimeout = TimeSpan.FromSeconds(15);

    public async Task<ScheduleSave> SaveAsync(string id, ScheduleRequest request, CancellationToken cancellationToken)
    {
        var problems = new ProblemList();
        if (!IsValidId(id))
        {
            problems.Add("id", $"'{id}' is not a valid schedule id: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        var fileDrop = request.Trigger is { } trigger ? FileDropTriggerCheck.Check(trigger, connections, problems) : null;
        var check = await checker.CheckAsync(request.Workflow, FileDropTriggerCheck.WithPathVariable(request.Trigger, request.Parameters), cancellationToken);
        problems.AddRange(FileDropTriggerCheck.PathVariableProblems(request.Trigger, request.Parameters, check.Problems));
        var (cron, zone) = request.Trigger is null
            ? (ScheduleTiming.CheckCron(request.Cron, problems), ScheduleTiming.CheckTimeZone(request.TimeZone, problems))
            : (FileDropTriggerCheck.RefuseCron(request, problems, fileDrop?.PollCron), TimeZoneInfo.Utc);
        if (problems.Count > 0)
        {
            return new(null, Created: false, problems.ToDictionary());
        }

        // Secret values are kept apart once, for the schedule: every run of it reveals the same ones. Those it had
        // before stay for the retention, for the jobs they were given to.
        using var change = Lock(id);
        var existed = Read(id) is not null;
        if (existed)
        {
            await secrets.ReleaseScheduleAsync(id, cancellationToken);
        }

        var given = request.Trigger?.Variable is null ? check.Given : check.Given.SkipLast(1).ToList();
        var parameters = await secrets.ProtectAsync(check.Workflow!, given, SecretOwner.Schedule(id), cancellationToken);
        var enabled = request.Enabled ?? true;
        var job = fileDrop is { } watched
            ? FileDropPollJob.Call(id, check.Workflow!.Name, parameters, watched.Trigger)
            : WorkflowJob.Call(check.Workflow!.Name, parameters);
        recurringJobs.AddOrUpdate(id, job, enabled ? cron! : Cron.Never(), new RecurringJobOptions { TimeZone = zone });
        using (var connection = storage.GetConnection())
        {
            connection.SetRangeInHash(HashPrefix + id, [new(CronField, cron!), new(EnabledField, enabled ? "true" : "false")]);
        }

        return new(await FindAsync(id, cancellationToken), Created: !existed, new Dictionary<string, string[]>());
    }

    public async Task<ScheduleResponse?> FindAsync(string id, CancellationToken cancellationToken) =>
        IsValidId(id) && Read(id) is { } found ? await DescribeAsync(found.Job, found.Fields, cancellationToken) : null;

    public async Task<IReadOnlyList<ScheduleResponse>> ListAsync(CancellationToken cancellationToken)
    {
        var found = new List<(RecurringJobDto Job, Dictionary<string, string> Fields)>();
        using (var connection = storage.GetConnection())
        {
            foreach (var job in connection.GetRecurringJobs().Where(j => !j.Removed).OrderBy(j => j.Id, StringComparer.Ordinal))
            {
                if (ScheduleFields(connection, job.Id) is { } fields)
                {
                    found.Add((job, fields));
                }
            }
        }

        var schedules = new List<ScheduleResponse>(found.Count);
        foreach (var (job, fields) in found)
        {
            schedules.Add(await DescribeAsync(job, fields, cancellationToken));
        }

        return schedules;
    }

    public async Task<bool> DeleteAsync(string id, CancellationToken cancellationToken)
    {
        if (!IsValidId(id))
        {
            return false;
        }

        using var change = Lock(id);
        if (Read(id) is null)
        {
            return false;
        }

        recurringJobs.RemoveIfExists(id);
        await ForgetAsync(id, cancellationToken);
        return true;
    }

    /// <summary>
    /// Lets go of what schedules no longer there left behind, and returns their ids: a schedule deleted from the
    /// dashboard's Recurring jobs page (Hangfire removes its recurring job and nothing else), or a node that died
    /// between keeping a new schedule's secret values and saving it.
    /// </summary>
    public async Task<IReadOnlyList<string>> ForgetLeftoversAsync(CancellationToken cancellationToken)
    {
        var forgotten = new List<string>();
        var holders = (await secrets.SchedulesHoldingValuesAsync(cancellationToken)).Union(await fileDrops.SchedulesAsync(cancellationToken));
        foreach (var id in holders.Where(id => IsValidId(id) && Read(id) is null))
        {
            // Again under the schedule's lock: a save keeps the values first and writes the recurring job after.
            using var change = Lock(id);
            if (Read(id) is null)
            {
                await ForgetAsync(id, cancellationToken);
                forgotten.Add(id);
            }
        }

        return forgotten;
    }

    private async Task ForgetAsync(string id, CancellationToken cancellationToken)
    {
        await secrets.ReleaseScheduleAsync(id, cancellationToken);
        await fileDrops.ForgetAsync(id, cancellationToken);
    }

    /// <summary>
    /// Runs the schedule now, paused or not, and returns the new job's id, which for a file-drop schedule is a poll
    /// of its folder (<c>IsPoll</c>); null for an unknown schedule.
    /// </summary>
    public (string JobId, bool IsPoll)? Trigger(string id)
    {
        if (!IsValidId(id))
        {
            return null;
        }

        using var change = Lock(id);
        return Read(id) is { } found && recurringJobs.TriggerJob(id) is { } jobId
            ? (jobId, FileDropPollJob.TryRead(found.Job.Job, out _, out _, out _))
            : null;
    }

    /// <summary>
    /// Holds one schedule still while it is saved, deleted or triggered, on every node. Hangfire locks its own writes
    /// of the recurring job, but a schedule is more: its fields next to them and its secrets. Unlocked, a delete
    /// between a save's two writes left a hash with only our fields, which a trigger then took for a recurring job
    /// with no job in it.
    /// </summary>
    private ConnectionLock Lock(string id)
    {
        var connection = storage.GetConnection();
        try
        {
            var held = connection.AcquireDistributedLock("scheduler:schedule:" + id, ChangeLockTimeout);
            return new ConnectionLock(connection, held);
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }

    private sealed class ConnectionLock(IStorageConnection connection, IDisposable held) : IDisposable
    {
        public void Dispose()
        {
            held.Dispose();
            connection.Dispose();
        }
    }

    private static bool IsValidId(string id) => ScheduleId().IsMatch(id);

    /// <summary>The recurring job and the schedule's own fields; null when there is none, or it is not a schedule of ours.</summary>
    private (RecurringJobDto Job, Dictionary<string, string> Fields)? Read(string id)
    {
        using var connection = storage.GetConnection();
        return ScheduleFields(connection, id) is { } fields && connection.GetRecurringJobs([id]).SingleOrDefault(j => !j.Removed) is { } job
            ? (job, fields)
            : null;
    }

    private static Dictionary<string, string>? ScheduleFields(IStorageConnection connection, string id) =>
        connection.GetAllEntriesFromHash(HashPrefix + id) is { } fields && fields.ContainsKey(CronField) ? fields : null;

    private async Task<ScheduleResponse> DescribeAsync(RecurringJobDto job, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        if (FileDropPollJob.TryRead(job.Job, out var watched, out var watchedWith, out var trigger))
        {
            // Its own last run is a poll; what a reader wants is the last job a file started.
            var last = await fileDrops.LastStartAsync(job.Id, cancellationToken);
            var lastStatus = last is null ? null : (await jobs.GetStatusAsync(last.JobId, cancellationToken))?.Status;
            return new ScheduleResponse(
                job.Id, watched, null, TimeZoneInfo.Utc.Id, IsEnabled(fields), JobSecrets.Masked(watchedWith), Utc(job.NextExecution),
                last?.StartedAt, last?.JobId, lastStatus, job.Error ?? job.LoadException?.Message)
            { Trigger = trigger };
        }

        WorkflowJob.TryRead(job.Job, out var workflow, out var parameters);
        var lastJobStatus = job.LastJobId is { } lastJobId ? (await jobs.GetStatusAsync(lastJobId, cancellationToken))?.Status : null;
        return new ScheduleResponse(
            job.Id,
            workflow,
            fields[CronField],
            job.TimeZoneId ?? TimeZoneInfo.Utc.Id,
            IsEnabled(fields),
            JobSecrets.Masked(parameters),
            Utc(job.NextExecution),
            Utc(job.LastExecution),
            job.LastJobId,
            lastJobStatus,
            job.Error ?? job.LoadException?.Message);
    }

    private static bool IsEnabled(Dictionary<string, string> fields) => !string.Equals(fields.GetValueOrDefault(EnabledField), "false", StringComparison.Ordinal);

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex ScheduleId();
}

using System.Text.RegularExpressions;
using Hangfire;
using Hangfire.Storage;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Web.Schedules;

/// <summary>The outcome of saving a schedule: the schedule as saved, or every problem with the request.</summary>
public sealed record ScheduleSave(ScheduleResponse? Schedule, bool Created, IReadOnlyDictionary<string, string[]> Problems);

/// <summary>
/// Schedules are Hangfire recurring jobs under their own ids, so that they show on the dashboard's recurring jobs
/// page and run on any worker node. Hangfire has no pause: a paused schedule keeps its recurring job, and with it its
/// history, under a cron that never fires, and the schedule's own cron and state are kept in the recurring job's hash.
/// </summary>
public sealed partial class RecurringSchedules(
    WorkflowCatalog workflows,
    RunRequestChecker checker,
    JobSecrets secrets,
    IRecurringJobManagerV2 recurringJobs,
    JobStorage storage,
    JobQueries jobs)
{
    // Hangfire keeps a recurring job in the hash "recurring-job:{id}" and writes only its own fields, so ours stay.
    private const string HashPrefix = "recurring-job:";
    private const string CronField = "Scheduler.Cron";
    private const string EnabledField = "Scheduler.Enabled";

    public async Task<ScheduleSave> SaveAsync(string id, ScheduleRequest request, CancellationToken cancellationToken)
    {
        var problems = new ProblemList();
        if (!IsValidId(id))
        {
            problems.Add("id", $"'{id}' is not a valid schedule id: use 1 to 100 letters, digits, '.', '_' or '-', starting with a letter or digit");
        }

        await workflows.RefreshAsync(cancellationToken);
        var check = checker.Check(request.Workflow, request.Parameters);
        problems.AddRange(check.Problems);
        var cron = ScheduleTiming.CheckCron(request.Cron, problems);
        var zone = ScheduleTiming.CheckTimeZone(request.TimeZone, problems);
        if (problems.Count > 0)
        {
            return new(null, Created: false, problems.ToDictionary());
        }

        // Secret values are kept apart once, as for a run request; every run of the schedule reveals the same ones.
        var parameters = await secrets.ProtectAsync(check.Workflow!, check.Given, cancellationToken);
        var enabled = request.Enabled ?? true;
        var existed = Read(id) is not null;
        recurringJobs.AddOrUpdate(
            id, JobLauncher.WorkflowCall(check.Workflow!, parameters), enabled ? cron! : Cron.Never(), new RecurringJobOptions { TimeZone = zone });
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
        List<RecurringJobDto> all;
        using (var connection = storage.GetConnection())
        {
            all = connection.GetRecurringJobs();
        }

        var schedules = new List<ScheduleResponse>();
        foreach (var job in all.OrderBy(j => j.Id, StringComparer.Ordinal))
        {
            if (Read(job.Id) is { } found)
            {
                schedules.Add(await DescribeAsync(found.Job, found.Fields, cancellationToken));
            }
        }

        return schedules;
    }

    public bool Delete(string id)
    {
        if (!IsValidId(id) || Read(id) is null)
        {
            return false;
        }

        recurringJobs.RemoveIfExists(id);
        return true;
    }

    /// <summary>Runs the schedule now, paused or not, and returns the new job's id; null for an unknown schedule.</summary>
    public string? Trigger(string id) => IsValidId(id) && Read(id) is not null ? recurringJobs.TriggerJob(id) : null;

    private static bool IsValidId(string id) => ScheduleId().IsMatch(id);

    /// <summary>The recurring job and the schedule's own fields; null when there is none, or it is not a schedule of ours.</summary>
    private (RecurringJobDto Job, Dictionary<string, string> Fields)? Read(string id)
    {
        using var connection = storage.GetConnection();
        var fields = connection.GetAllEntriesFromHash(HashPrefix + id);
        if (fields is null || !fields.ContainsKey(CronField))
        {
            return null;
        }

        return connection.GetRecurringJobs([id]).SingleOrDefault(j => !j.Removed) is { } job ? (job, fields) : null;
    }

    private async Task<ScheduleResponse> DescribeAsync(RecurringJobDto job, Dictionary<string, string> fields, CancellationToken cancellationToken)
    {
        var args = job.Job?.Args ?? [];
        var lastJobStatus = job.LastJobId is { } lastJobId ? (await jobs.GetStatusAsync(lastJobId, cancellationToken))?.Status : null;
        return new ScheduleResponse(
            job.Id,
            args.Count > 0 && args[0] is string workflow ? workflow : "",
            fields[CronField],
            job.TimeZoneId ?? TimeZoneInfo.Utc.Id,
            !string.Equals(fields.GetValueOrDefault(EnabledField), "false", StringComparison.Ordinal),
            args.Count > 1 && args[1] is ParameterAssignment[] parameters ? JobSecrets.Masked(parameters) : [],
            Utc(job.NextExecution),
            Utc(job.LastExecution),
            job.LastJobId,
            lastJobStatus,
            job.Error ?? job.LoadException?.Message);
    }

    private static DateTimeOffset? Utc(DateTime? value) =>
        value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$", RegexOptions.CultureInvariant)]
    private static partial Regex ScheduleId();
}

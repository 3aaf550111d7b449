using Hangfire.Common;
using Hangfire.Server;
using Hangfire.States;
using Hangfire.Storage;
using Scheduler.Dataflows;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Who or what made a job, kept as Hangfire job parameters from the moment the job is created (the job's arguments
/// stay the workflow and its parameters), and read back by the worker as the job's <see cref="RunContext"/>.
/// </summary>
internal static class JobTrigger
{
    /// <summary>Hangfire's own parameter on the jobs a recurring job makes; a file-drop schedule sets it too.</summary>
    public const string ScheduleIdParameter = "RecurringJobId";

    private const string TriggeredByParameter = "Scheduler.TriggeredBy";
    /// <summary>The job a retry runs again; the record takes it from here when the job is created.</summary>
    public const string RetryOfParameter = "Scheduler.RetryOf";
    private const string DroppedFilePathParameter = "Scheduler.DroppedFilePath";
    private const string IdempotencyKeyParameter = "Scheduler.IdempotencyKey";
    private const string IdempotencyClaimParameter = "Scheduler.IdempotencyClaim";

    /// <summary>The parameters of a job that a user asked for (a run or a retry of <paramref name="retryOf"/>).</summary>
    public static Dictionary<string, object> ByUser(string? user, string? retryOf)
    {
        var parameters = new Dictionary<string, object>(StringComparer.Ordinal) { [TriggeredByParameter] = user ?? "" };
        if (retryOf is not null)
        {
            parameters[RetryOfParameter] = retryOf;
        }

        return parameters;
    }

    /// <summary>
    /// Adds the <c>Idempotency-Key</c> of the request that asks for the job and the request's claim on it, with which
    /// the job's record completes the key (<see cref="Execution.JobRecordFilter"/>).
    /// </summary>
    public static Dictionary<string, object> WithIdempotencyClaim(this Dictionary<string, object> parameters, string key, Guid token)
    {
        parameters[IdempotencyKeyParameter] = key;
        parameters[IdempotencyClaimParameter] = token.ToString("N");
        return parameters;
    }

    /// <summary>The idempotency key and claim of a job being created, when its request sent a key; read from the creation's own parameters.</summary>
    public static (string Key, Guid Token)? IdempotencyClaimOf(ElectStateContext context) =>
        context.GetJobParameter<string?>(IdempotencyKeyParameter, allowStale: true) is { } key
        && Guid.TryParseExact(context.GetJobParameter<string?>(IdempotencyClaimParameter, allowStale: true), "N", out var token)
            ? (key, token)
            : null;

    /// <summary>The idempotency key that the request which made the job sent, if it sent one.</summary>
    public static string? IdempotencyKeyOf(IStorageConnection connection, string jobId) =>
        connection.GetJobParameter(jobId, IdempotencyKeyParameter) is { } serialized ? SerializationHelper.Deserialize<string>(serialized) : null;

    /// <summary>The parameters of a job that a file-drop schedule started for the file at <paramref name="path"/>.</summary>
    public static Dictionary<string, object> ByFile(string scheduleId, string path) => new(StringComparer.Ordinal)
    {
        [ScheduleIdParameter] = scheduleId,
        [TriggeredByParameter] = $"file:{path}",
        [DroppedFilePathParameter] = path,
    };

    // Read from the job's parameters as the worker fetched them (they are written once, when the job is made): no
    // round trip to the storage on the way to the first step.
    /// <summary>The context of the job being performed: a job without a trigger of its own and made by a schedule says <c>schedule:{id}</c>.</summary>
    public static RunContext Read(PerformContext context, string workflow, DateTimeOffset startedAt)
    {
        ArgumentNullException.ThrowIfNull(context);
        var scheduleId = context.GetJobParameter<string>(ScheduleIdParameter, allowStale: true) ?? "";
        var triggeredBy = context.GetJobParameter<string>(TriggeredByParameter, allowStale: true) is { Length: > 0 } by
            ? by
            : scheduleId.Length > 0 ? $"schedule:{scheduleId}" : "";
        return new RunContext(context.BackgroundJob.Id, workflow, startedAt)
        {
            TriggeredBy = triggeredBy,
            ScheduleId = scheduleId,
            RetryOf = context.GetJobParameter<string>(RetryOfParameter, allowStale: true) ?? "",
            DroppedFilePath = context.GetJobParameter<string>(DroppedFilePathParameter, allowStale: true) ?? "",
        };
    }
}

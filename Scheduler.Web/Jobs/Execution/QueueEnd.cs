using Hangfire.Common;
using Hangfire.States;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs.Execution;

/// <summary>
/// How a job ended by Hangfire's account, in the words of a job record: what a record still open must become when
/// the queue has ended the job without the engine recording it (a worker that lost its database, a job cancelled in
/// the queue, a job that failed before its first step).
/// </summary>
internal sealed record QueueEnd(RunStatus Status, string Error)
{
    /// <summary>
    /// The end for Hangfire's state <paramref name="state"/> with its serialized <paramref name="data"/>; null while the
    /// job may still run (enqueued, scheduled, processing) or for a state this service does not know.
    /// </summary>
    public static QueueEnd? Of(string? state, IDictionary<string, string> data) => state switch
    {
        _ when state == FailedState.StateName => new(
            RunStatus.Failed,
            $"the job failed outside its workflow's steps: {Value(data, "ExceptionType")}: {Value(data, "ExceptionMessage")}"),
        _ when state == SucceededState.StateName => new(RunStatus.Completed, "the queue recorded the job as succeeded, but the job did not record its end"),
        _ when state == DeletedState.StateName => new(RunStatus.Cancelled, "the job was deleted in the queue before it recorded its end"),
        _ => null,
    };

    /// <summary>When Hangfire deleted the job, from a Deleted state's data; null when the data does not say.</summary>
    public static DateTimeOffset? DeletedAt(IDictionary<string, string> data) =>
        data.TryGetValue("DeletedAt", out var at) && JobHelper.DeserializeNullableDateTime(at) is { } utc
            ? new DateTimeOffset(DateTime.SpecifyKind(utc, DateTimeKind.Utc))
            : null;

    private static string Value(IDictionary<string, string> data, string key) =>
        data.TryGetValue(key, out var value) && !string.IsNullOrEmpty(value) ? value : "(not recorded)";
}

using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Scheduler.Web.Hosting;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Triggers;

using Scheduler.Web.Jobs.Execution;

namespace Scheduler.Web.Schedules;

/// <summary>
/// The Hangfire job a file-drop schedule runs on its poll interval (a recurring job under the schedule's id, so it
/// shows on the dashboard and runs on one worker per poll): it polls the watched folder and starts one workflow job
/// per new, stable file, with the file in the job's context and, when named, in a variable.
/// </summary>
internal sealed partial class FileDropPollJob(FileDropWatcher watcher, IBackgroundJobClientV2 jobs, ILogger<FileDropPollJob> logger)
{
    /// <summary>The Hangfire call that polls for the schedule <paramref name="scheduleId"/> (secret parameter values as references).</summary>
    public static Job Call(string scheduleId, string workflow, IReadOnlyList<ParameterAssignment> parameters, FileDropTrigger trigger)
    {
        var given = parameters.ToArray();
        return Job.FromExpression<FileDropPollJob>(job => job.PollAsync(scheduleId, workflow, given, trigger, CancellationToken.None));
    }

    /// <summary>The workflow, parameters and trigger of a Hangfire job made by <see cref="Call"/>; false for any other job.</summary>
    public static bool TryRead(Job? job, out string workflow, out ParameterAssignment[] parameters, out FileDropTrigger? trigger)
    {
        (workflow, parameters, trigger) = job is { } call && call.Type == typeof(FileDropPollJob)
            && call.Args is [string, string name, ParameterAssignment[] given, FileDropTrigger watched, ..]
            ? (name, given, watched)
            : ("", [], null);
        return trigger is not null;
    }

    // A failed poll (the server is away) is not repeated: the next poll comes on the schedule's own interval.
    [AutomaticRetry(Attempts = 0, OnAttemptsExceeded = AttemptsExceededAction.Fail)]
    [JobDisplayName("Poll for schedule {0}")]
    public async Task PollAsync(string scheduleId, string workflow, ParameterAssignment[] parameters, FileDropTrigger trigger, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        var watch = new FileDropWatch(scheduleId, trigger.Connection!, trigger.Path!, TimeSpan.FromSeconds(trigger.PollInterval ?? 0));
        var started = await watcher.PollAsync(
            watch,
            (path, _) =>
            {
                ParameterAssignment[] given = trigger.Variable is { } variable ? [.. parameters, new(WorkflowObjects.Variables, variable, path)] : parameters;
                return Task.FromResult(jobs.Create(WorkflowJob.Call(workflow, given), new EnqueuedState(), JobTrigger.ByFile(scheduleId, path)));
            },
            cancellationToken);
        foreach (var start in started)
        {
            LogStarted(logger, scheduleId, start.Path, start.JobId);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} found the new file {Path} and started job {JobId}")]
    private static partial void LogStarted(ILogger logger, string scheduleId, string path, string jobId);
}

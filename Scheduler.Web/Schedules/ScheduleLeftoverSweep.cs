using Scheduler.Web.Hosting;

namespace Scheduler.Web.Schedules;

/// <summary>
/// Every hour, on every node, lets go of the secret values and file-drop memory of schedules that are gone other than
/// through <c>DELETE /api/schedules/{id}</c> (<see cref="RecurringSchedules.ForgetLeftoversAsync"/>): otherwise a
/// schedule deleted from the dashboard kept its secret values for ever. Released values go with the job retention.
/// </summary>
internal sealed partial class ScheduleLeftoverSweep(RecurringSchedules schedules, TimeProvider time, ILogger<ScheduleLeftoverSweep> logger) : BackgroundService
{
    private static readonly TimeSpan Interval = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        PeriodicPass.RunAsync(Interval, time, atStart: true, SweepAsync, exception => LogSweepFailed(logger, exception), stoppingToken);

    public async Task SweepAsync(CancellationToken cancellationToken)
    {
        foreach (var id in await schedules.ForgetLeftoversAsync(cancellationToken))
        {
            LogForgotten(logger, id);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Schedule {ScheduleId} is gone: its secret values are released and its dropped files forgotten")]
    private static partial void LogForgotten(ILogger logger, string scheduleId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep of deleted schedules' leftovers failed; the next one tries again")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}

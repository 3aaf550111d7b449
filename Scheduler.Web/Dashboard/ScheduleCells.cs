using System.Globalization;
using Scheduler.Web.Schedules;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard;

/// <summary>
/// How the dashboard writes when a schedule runs, the same on the Schedules page and the Workflows page: its next run
/// in the schedule's own time zone (the zone its cron is read in) and in UTC, and for a file-drop schedule, which has
/// no cron of its own, the folder whose new files start its jobs. HTML-encoded.
/// </summary>
internal static class ScheduleCells
{
    /// <summary>The next run as two cells' contents: in the schedule's zone (with the zone's name) and in UTC.</summary>
    public static (string Local, string Utc) NextRun(ScheduleResponse schedule)
    {
        var zone = TimeZoneInfo.TryFindSystemTimeZoneById(schedule.TimeZone, out var found) ? found : TimeZoneInfo.Utc;
        return schedule switch
        {
            { Enabled: false } => ("paused", "paused"),
            { NextRun: { } next } => (Time(TimeZoneInfo.ConvertTime(next, zone)) + $" <span class=\"text-muted\">{E(schedule.TimeZone)}</span>", Time(next.ToUniversalTime())),
            _ => ("", ""),
        };
    }

    /// <summary>What starts the schedule's jobs: its cron, or the folder a file-drop schedule polls.</summary>
    public static string When(ScheduleResponse schedule) => E(schedule.Trigger is { } trigger
        ? $"{FileDropTrigger.FileDropped}: {trigger.Path} on {trigger.Connection}, polled every {trigger.PollInterval} s"
        : schedule.Cron ?? "");

    private static string Time(DateTimeOffset time) => E(time.ToString("yyyy-MM-dd HH:mm:ss zzz", CultureInfo.InvariantCulture));
}

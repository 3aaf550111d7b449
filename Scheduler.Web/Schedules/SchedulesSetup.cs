using Scheduler.Workflows.Triggers;

namespace Scheduler.Web.Schedules;

internal static class SchedulesSetup
{
    /// <summary>Schedules as Hangfire recurring jobs: cron schedules run a workflow, file-drop schedules poll a folder.</summary>
    public static IServiceCollection AddSchedules(this IServiceCollection services) => services
        .AddSingleton<RecurringSchedules>()
        .AddSingleton<ScheduleLeftoverSweep>()
        .AddHostedService(sp => sp.GetRequiredService<ScheduleLeftoverSweep>())
        .AddSingleton<FileDropWatcher>()
        .AddTransient<FileDropPollJob>();
}

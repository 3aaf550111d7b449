namespace Scheduler.Web.Schedules;

internal static class SchedulesSetup
{
    /// <summary>Schedules as Hangfire recurring jobs.</summary>
    public static IServiceCollection AddSchedules(this IServiceCollection services) => services.AddSingleton<RecurringSchedules>();
}

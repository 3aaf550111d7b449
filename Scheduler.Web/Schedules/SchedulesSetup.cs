namespace Scheduler.Web.Schedules;

public static class SchedulesSetup
{
    /// <summary>Schedules as Hangfire recurring jobs.</summary>
    public static IServiceCollection AddSchedules(this IServiceCollection services) => services.AddSingleton<RecurringSchedules>();
}

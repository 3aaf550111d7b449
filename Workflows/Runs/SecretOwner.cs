namespace Scheduler.Workflows.Runs;

/// <summary>Who a secret value belongs to: a job, or a schedule (every job the schedule makes runs with it).</summary>
public static class SecretOwner
{
    public static string Job(string jobId) => "job:" + jobId;

    public const string SchedulePrefix = "schedule:";

    public static string Schedule(string scheduleId) => SchedulePrefix + scheduleId;
}

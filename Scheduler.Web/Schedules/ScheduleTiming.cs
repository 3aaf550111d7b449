using Cronos;
using Scheduler.Web.Http;

namespace Scheduler.Web.Schedules;

/// <summary>
/// Checks a schedule's cron expression and time zone when it is saved, the way Hangfire will read them when it runs
/// the schedule, so that a mistake is a 400 now rather than a schedule that silently never fires.
/// </summary>
internal static class ScheduleTiming
{
    private static readonly char[] Separators = [' ', '\t'];

    /// <summary>The cron expression, or null with a problem added. Five fields, or six with seconds first, as Hangfire takes them.</summary>
    public static string? CheckCron(string? cron, ProblemList problems)
    {
        const string Field = "cron";
        if (string.IsNullOrWhiteSpace(cron))
        {
            problems.Add(Field, "give a cron expression: five fields 'minute hour day-of-month month day-of-week' (for example '0 2 * * *'), or six with seconds first");
            return null;
        }

        if (CronLimits.SizeProblem(cron) is { } tooLarge)
        {
            problems.Add(Field, tooLarge);
            return null;
        }

        var parts = cron.Split(Separators, StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length is not (5 or 6))
        {
            problems.Add(Field, $"'{cron}' has {parts.Length} field(s); a cron expression has five ('minute hour day-of-month month day-of-week'), or six with seconds first");
            return null;
        }

        CronExpression expression;
        try
        {
            expression = CronExpression.Parse(cron, parts.Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            problems.Add(Field, $"'{cron}' is not a valid cron expression: {e.Message}");
            return null;
        }

        // A date that does not exist (31 February) parses but never fires; Hangfire would keep it without a word.
        if (expression.GetNextOccurrence(DateTime.UtcNow) is null)
        {
            problems.Add(Field, $"'{cron}' never fires");
            return null;
        }

        if (CronLimits.IntervalProblem(cron, parts) is { } tooOften)
        {
            problems.Add(Field, tooOften);
            return null;
        }

        return string.Join(' ', parts);
    }

    /// <summary>
    /// The time zone by IANA name (Europe/Berlin) or Windows name (W. Europe Standard Time), or null with a problem
    /// added. A Windows name is stored as its IANA equivalent, so that every node finds it whatever its system
    /// (HangfireIO/Hangfire#1167: the two naming schemes clash across systems).
    /// </summary>
    public static TimeZoneInfo? CheckTimeZone(string? name, ProblemList problems)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return TimeZoneInfo.Utc;
        }

        if (TimeZoneInfo.TryFindSystemTimeZoneById(name, out var zone) && zone.HasIanaId)
        {
            return zone;
        }

        if (TimeZoneInfo.TryConvertWindowsIdToIanaId(name, out var iana) && TimeZoneInfo.TryFindSystemTimeZoneById(iana, out zone))
        {
            return zone;
        }

        problems.Add("timeZone", $"'{name}' is not a known time zone; give an IANA name such as 'Europe/Berlin' or 'UTC', or a Windows name such as 'W. Europe Standard Time'");
        return null;
    }
}

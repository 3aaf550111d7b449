using Cronos;

namespace Scheduler.Web.Schedules;

/// <summary>
/// What a schedule's cron expression may be, checked before Cronos parses it (its list parser recurses once per
/// value, and a stack overflow ends the process) and after (a schedule must not promise more than Hangfire keeps).
/// </summary>
internal static class CronLimits
{
    /// <summary>The longest cron expression, in characters: far more than any real schedule needs.</summary>
    public const int MaxLength = 200;

    /// <summary>The most comma-separated values (or ranges) in one field: the 60 seconds or minutes of a list.</summary>
    public const int MaxListValues = 60;

    /// <summary>
    /// The shortest time between two runs of a schedule. Hangfire looks for due schedules this often
    /// (<c>SchedulePollingInterval</c>, set from this value), so a schedule that fires more often would run late and
    /// skip runs without a word: its seconds are refused instead.
    /// </summary>
    public static TimeSpan MinimumInterval { get; } = TimeSpan.FromSeconds(15);

    /// <summary>What is wrong with the expression's size, or null; checked before it is parsed.</summary>
    internal static string? SizeProblem(string cron)
    {
        if (cron.Length > MaxLength)
        {
            return $"the cron expression is {cron.Length} characters long; the limit is {MaxLength} (CronLimits.MaxLength)";
        }

        var longest = cron.Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries).Select((field, index) => (Values: field.Count(c => c == ',') + 1, Index: index)).MaxBy(f => f.Values);
        return longest.Values > MaxListValues
            ? $"field {longest.Index + 1} of the cron expression lists {longest.Values} values; the limit is {MaxListValues} per field (CronLimits.MaxListValues)"
            : null;
    }

    /// <summary>What is wrong with how often a six-field expression fires, or null; five fields fire at most once a minute.</summary>
    internal static string? IntervalProblem(string cron, IReadOnlyList<string> fields)
    {
        if (fields.Count != 6)
        {
            return null;
        }

        // The seconds of one minute, taken around the clock: the last second of a minute is followed by the first of
        // the next when both minutes fire, so that gap counts too.
        var minute = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        var seconds = CronExpression.Parse($"{fields[0]} * * * * *", CronFormat.IncludeSeconds)
            .GetOccurrences(minute, minute.AddMinutes(1), fromInclusive: true, toInclusive: false)
            .Select(at => (int)(at - minute).TotalSeconds)
            .ToList();
        var shortest = seconds.Count < 2
            ? 60
            : Math.Min(seconds.Zip(seconds.Skip(1), (a, b) => b - a).Min(), 60 - seconds[^1] + seconds[0]);
        return shortest < MinimumInterval.TotalSeconds
            ? $"'{cron}' fires {shortest} s apart; schedules are checked every {MinimumInterval.TotalSeconds} s, so runs must be at least {MinimumInterval.TotalSeconds} s apart (CronLimits.MinimumInterval), also from the last second of a minute to the first of the next"
            : null;
    }
}

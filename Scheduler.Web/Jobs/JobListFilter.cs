using System.Globalization;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// Reads the query of <c>GET /api/jobs</c>: <c>status</c>, <c>workflow</c>, <c>createdFrom</c> (inclusive),
/// <c>createdTo</c> (exclusive), <c>limit</c> (1 to 500, default 50) and <c>offset</c>; every bad value and every other
/// name is reported.
/// </summary>
internal static class JobListFilter
{
    public const int DefaultLimit = 50;
    public const int MaxLimit = 500;

    private static readonly string[] Names = ["status", "workflow", "createdFrom", "createdTo", "limit", "offset"];

    public static (JobRunQuery? Query, Dictionary<string, string[]> Problems) Parse(IQueryCollection query)
    {
        // A misspelt name (limt, from) would otherwise be skipped, and the answer would look like the filtered list.
        // A name left empty (?=x) is reported under "query", beside any name that is "query" itself.
        var problems = query.Keys.Where(key => !Names.Contains(key, StringComparer.OrdinalIgnoreCase))
            .GroupBy(key => key.Length > 0 ? key : "query", StringComparer.OrdinalIgnoreCase)
            .ToDictionary(names => names.Key, names => names.Select(key => $"'{key}' is not a name the job list takes; it takes {string.Join(", ", Names)}").ToArray());
        RunStatus? status = null;
        if (query["status"].ToString() is { Length: > 0 } statusText)
        {
            if (Enum.TryParse<RunStatus>(statusText, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(statusText, out _))
            {
                status = parsed;
            }
            else
            {
                problems["status"] = [$"'{statusText}' is not a status; valid: {string.Join(", ", Enum.GetNames<RunStatus>())}"];
            }
        }

        var from = Time(query, "createdFrom", problems);
        var to = Time(query, "createdTo", problems);
        var limit = Number(query, "limit", DefaultLimit, 1, MaxLimit, problems);
        var offset = Number(query, "offset", 0, 0, int.MaxValue, problems);
        var workflow = query["workflow"].ToString() is { Length: > 0 } name ? name : null;
        return problems.Count > 0 ? (null, problems) : (new JobRunQuery(status, workflow, from, to, limit, offset), problems);
    }

    private static DateTimeOffset? Time(IQueryCollection query, string name, Dictionary<string, string[]> problems)
    {
        if (query[name].ToString() is not { Length: > 0 } text)
        {
            return null;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        problems[name] = [$"'{text}' is not a date and time; use ISO 8601, for example 2026-03-01T09:00:00Z"];
        return null;
    }

    private static int Number(IQueryCollection query, string name, int fallback, int min, int max, Dictionary<string, string[]> problems)
    {
        if (query[name].ToString() is not { Length: > 0 } text)
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max)
        {
            return value;
        }

        problems[name] = [$"'{text}' is not a whole number from {min} to {max}"];
        return fallback;
    }
}

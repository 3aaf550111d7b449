using System.Text.Json;
using Scheduler.Web.Http;
using Scheduler.Web.Jobs;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Triggers;

namespace Scheduler.Web.Schedules;

/// <summary>
/// Checks a file-drop trigger when its schedule is saved, every field and limit (<see cref="FileDropLimits"/>), and
/// gives the cron on which Hangfire polls: the poll interval must divide a minute, an hour or a day evenly.
/// </summary>
internal static class FileDropTriggerCheck
{
    /// <summary>The trigger with its defaults filled in and the poll's cron, or null with every problem added.</summary>
    public static (FileDropTrigger Trigger, string PollCron)? Check(FileDropTrigger trigger, ConnectionCatalog connections, ProblemList problems)
    {
        ArgumentNullException.ThrowIfNull(trigger);
        ArgumentNullException.ThrowIfNull(problems);
        var before = problems.Count;
        if (!string.Equals(trigger.Type, FileDropTrigger.FileDropped, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add("trigger.type", $"'{trigger.Type}' is not a trigger type; the one type is '{FileDropTrigger.FileDropped}'");
        }

        if (string.IsNullOrWhiteSpace(trigger.Connection))
        {
            problems.Add("trigger.connection", $"name the file connection to watch ({string.Join(", ", RemoteFilesFactory.KnownTypes)})");
        }
        else if (connections.ProblemWith(trigger.Connection, RemoteFilesFactory.KnownTypes.ToList()) is { } connection)
        {
            problems.Add("trigger.connection", connection);
        }

        CheckPath(trigger.Path, problems);
        var seconds = trigger.PollInterval ?? (int)FileDropLimits.DefaultPollInterval.TotalSeconds;
        var cron = PollCron(seconds);
        if (cron is null)
        {
            problems.Add("trigger.pollInterval", $"{seconds} s is not a poll interval: give seconds from {FileDropLimits.MinimumPollInterval.TotalSeconds} "
                + $"to {FileDropLimits.MaximumPollInterval.TotalSeconds} that divide a minute, an hour or a day evenly (15, 20, 30, 60, 300, 3600, ...; FileDropLimits)");
        }

        if (trigger.Variable is { } variable && string.IsNullOrWhiteSpace(variable))
        {
            problems.Add("trigger.variable", "name the workflow's variable that receives the file's path, or leave it out");
        }

        return problems.Count == before ? (trigger with { Type = FileDropTrigger.FileDropped, PollInterval = seconds }, cron!) : null;
    }

    /// <summary>The cron of a file-drop schedule is its poll's (<paramref name="pollCron"/>, returned): a cron or time zone given with a trigger is a problem.</summary>
    public static string? RefuseCron(ScheduleRequest request, ProblemList problems, string? pollCron)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Cron is not null)
        {
            problems.Add("cron", "a file-drop schedule polls on its trigger's pollInterval: give a cron or a trigger, not both");
        }

        if (request.TimeZone is not null)
        {
            problems.Add("timeZone", "a file-drop schedule has no time zone: it polls every pollInterval seconds");
        }

        return pollCron;
    }

    /// <summary>
    /// The run parameters with an example path for the trigger's variable, so that the schedule is checked as the
    /// jobs it starts will be bound (a required variable is set, a variable that cannot hold a path is refused).
    /// </summary>
    public static IReadOnlyList<RunJobParameter?>? WithPathVariable(FileDropTrigger? trigger, IReadOnlyList<RunJobParameter?>? parameters) =>
        trigger?.Variable is { Length: > 0 } variable
            ? [.. parameters ?? [], new RunJobParameter(WorkflowObjects.Variables, variable, ExamplePath)]
            : parameters;

    /// <summary>The problems of checking <see cref="WithPathVariable"/>'s parameters, those of the added one under <c>trigger.variable</c>.</summary>
    public static IReadOnlyDictionary<string, string[]> PathVariableProblems(
        FileDropTrigger? trigger, IReadOnlyList<RunJobParameter?>? parameters, IReadOnlyDictionary<string, string[]> problems)
    {
        ArgumentNullException.ThrowIfNull(problems);
        if (trigger?.Variable is not { Length: > 0 })
        {
            return problems;
        }

        var added = $"parameters[{parameters?.Count ?? 0}]";
        return problems
            .GroupBy(p => p.Key.StartsWith(added, StringComparison.Ordinal) ? "trigger.variable" : p.Key)
            .ToDictionary(g => g.Key, g => g.SelectMany(p => p.Value).ToArray());
    }

    private static JsonElement ExamplePath { get; } = JsonDocument.Parse("\"in/dropped.csv\"").RootElement.Clone();

    private static void CheckPath(string? path, ProblemList problems)
    {
        const string Field = "trigger.path";
        if (string.IsNullOrWhiteSpace(path))
        {
            problems.Add(Field, "give the files to watch as a path on the connection, such as 'in/*.csv'");
            return;
        }

        if (path.Length > FileDropLimits.MaxPathLength)
        {
            problems.Add(Field, $"the path is {path.Length} characters long; the limit is {FileDropLimits.MaxPathLength} (FileDropLimits.MaxPathLength)");
            return;
        }

        try
        {
            RemotePath.Parse(path);
        }
        catch (RemotePathRejectedException e)
        {
            problems.Add(Field, e.Message);
        }
    }

    /// <summary>Every n seconds, minutes or hours as a cron with seconds; null when the interval does not divide its unit evenly or is out of bounds.</summary>
    private static string? PollCron(int seconds)
    {
        if (seconds < FileDropLimits.MinimumPollInterval.TotalSeconds || seconds > FileDropLimits.MaximumPollInterval.TotalSeconds)
        {
            return null;
        }

        return seconds switch
        {
            < 60 when 60 % seconds == 0 => $"*/{seconds} * * * * *",
            < 3600 when seconds % 60 == 0 && 60 % (seconds / 60) == 0 => $"0 */{seconds / 60} * * * *",
            _ when seconds % 3600 == 0 && 24 % (seconds / 3600) == 0 => $"0 0 */{seconds / 3600} * * *",
            _ => null,
        };
    }
}

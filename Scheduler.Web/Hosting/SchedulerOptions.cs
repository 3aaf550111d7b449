using Microsoft.Extensions.Options;

namespace Scheduler.Web.Hosting;

/// <summary>The <c>Scheduler</c> configuration section. Relative paths are relative to the content root.</summary>
internal sealed class SchedulerOptions
{
    public const string Section = "Scheduler";

    /// <summary>The folder holding <c>workflows/</c> and <c>dataflows/</c>; by default the repository's <c>samples</c> folder.</summary>
    public string? DefinitionsPath { get; set; }

    /// <summary>Where jobs write their files, one folder per job id.</summary>
    public string WorkingDirectory { get; set; } = Path.Combine(Path.GetTempPath(), "scheduler", "jobs");

    /// <summary>What this process does: the HTTP API, running jobs, or both.</summary>
    public NodeRole Role { get; set; } = NodeRole.All;

    /// <summary>Hangfire workers in this process; 0 runs no Hangfire server (an API-only node).</summary>
    public int WorkerCount { get; set; } = Math.Min(Environment.ProcessorCount * 5, 20);

    /// <summary>
    /// How long the records, logs and files of a finished job are kept; zero keeps them for ever. Hangfire's own
    /// copy of a finished job expires after a day; the service's records are what the API shows after that.
    /// </summary>
    public TimeSpan JobRetention { get; set; } = TimeSpan.FromDays(30);

    /// <summary>
    /// A folder for the keys that protect dashboard cookies and anti-forgery tokens. Unset, they live in the user
    /// profile, which a container loses on restart (signing everyone out) and which web nodes do not share.
    /// </summary>
    public string? DataProtectionKeysPath { get; set; }

    /// <summary>
    /// How long a job fetched by a worker that died stays invisible before another worker runs it again. Short,
    /// because sliding invisibility keeps a live job's claim fresh (docs/measurements.md: Hangfire.PostgreSql's 30 minutes
    /// leaves a killed worker's job stuck that long).
    /// </summary>
    public TimeSpan InvisibilityTimeout { get; set; } = TimeSpan.FromMinutes(1);
}

internal sealed class SchedulerOptionsValidator : IValidateOptions<SchedulerOptions>
{
    public ValidateOptionsResult Validate(string? name, SchedulerOptions options)
    {
        var failures = new List<string>();
        if (options.WorkerCount < 0)
        {
            failures.Add("Scheduler:WorkerCount cannot be negative.");
        }

        if (options.Role == NodeRole.Worker && options.WorkerCount == 0)
        {
            failures.Add("Scheduler:Role is Worker but Scheduler:WorkerCount is 0: a worker node needs at least one worker.");
        }

        if (options.InvisibilityTimeout < TimeSpan.FromSeconds(10))
        {
            failures.Add("Scheduler:InvisibilityTimeout must be at least 10 seconds.");
        }

        if (options.JobRetention < TimeSpan.Zero || (options.JobRetention > TimeSpan.Zero && options.JobRetention < TimeSpan.FromHours(1)))
        {
            failures.Add($"Scheduler:JobRetention is {options.JobRetention}; keep jobs at least an hour (01:00:00), or 00:00:00 to keep them for ever.");
        }

        if (options.DefinitionsPath is { } path && !Directory.Exists(path))
        {
            failures.Add($"Scheduler:DefinitionsPath '{path}' is not a folder.");
        }

        return failures.Count > 0 ? ValidateOptionsResult.Fail(failures) : ValidateOptionsResult.Success;
    }
}

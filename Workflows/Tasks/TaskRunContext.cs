using System.Globalization;
using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Tasks;

/// <summary>What a running task gets: its resolved, typed inputs and the job's own folder.</summary>
public sealed record TaskRunContext(
    string JobId,
    string TaskName,
    string JobDirectory,
    IReadOnlyDictionary<string, object?> Inputs,
    ILogger Logger)
{
    public string GetString(string input) =>
        Inputs.TryGetValue(input, out var value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture)!
            : throw new TaskFailedException($"the input '{input}' of {TaskName} has no value");

    public string? GetOptionalString(string input) =>
        Inputs.TryGetValue(input, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}

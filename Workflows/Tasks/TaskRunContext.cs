using System.Globalization;
using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// What a running task gets: its resolved, typed inputs, the job's own folder, the values it may read by
/// <c>Object.member</c> (variables and the outputs of finished tasks), and a way to run another workflow.
/// </summary>
public sealed record TaskRunContext(
    string JobId,
    string TaskName,
    string JobDirectory,
    IReadOnlyDictionary<string, object?> Inputs,
    ILogger Logger)
{
    private static readonly Dictionary<string, object?> Nothing = [];

    public IReadOnlyDictionary<string, object?> VisibleValues { get; init; } = Nothing;

    public IChildWorkflowRunner? ChildWorkflows { get; init; }

    /// <summary>The job's secret values, for a task that logs through a logger of its own rather than <see cref="Logger"/>.</summary>
    public SecretRedactor Redactor { get; init; } = new();

    public string GetString(string input) =>
        Inputs.TryGetValue(input, out var value) && value is not null
            ? Convert.ToString(value, CultureInfo.InvariantCulture)!
            : throw new TaskFailedException($"the input '{input}' of {TaskName} has no value");

    public string? GetOptionalString(string input) =>
        Inputs.TryGetValue(input, out var value) && value is not null ? Convert.ToString(value, CultureInfo.InvariantCulture) : null;
}

/// <summary>Runs another workflow inside the current job, for the RunWorkflow task.</summary>
public interface IChildWorkflowRunner
{
    /// <summary>Runs the workflow named <paramref name="workflow"/> with typed variable values, in <paramref name="directory"/>.</summary>
    Task<ChildWorkflowResult> RunAsync(
        string workflow, IReadOnlyDictionary<string, object?> variables, string directory, CancellationToken cancellationToken);
}

public sealed record ChildWorkflowResult(bool Succeeded, string? Error, IReadOnlyDictionary<string, object?> Outputs);

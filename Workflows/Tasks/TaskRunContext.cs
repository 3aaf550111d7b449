using System.Globalization;
using Microsoft.Extensions.Logging;
using Scheduler.Dataflows;
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
    private readonly string? _jobFolder;

    public IReadOnlyDictionary<string, object?> VisibleValues { get; init; } = Nothing;

    public IChildWorkflowRunner? ChildWorkflows { get; init; }

    /// <summary>
    /// The step as the same job names it again when it is delivered again: the task's folder under the job's folder
    /// and its name (<c>RunDataflow1</c>, or <c>RunWorkflow1/RunDataflow1</c> inside a child workflow).
    /// </summary>
    public string StepKey { get; init; } = TaskName;

    /// <summary>Which try of the task this is: 1, then 2 and on when it has a retry policy.</summary>
    public int Attempt { get; init; } = 1;

    /// <summary>
    /// The folder of the whole job: <see cref="JobDirectory"/>, or for a workflow run by RunWorkflow the folder of the
    /// job it runs in, whose files (a download of the parent) it may read.
    /// </summary>
    public string JobFolder
    {
        get => _jobFolder ?? JobDirectory;
        init => _jobFolder = value;
    }

    /// <summary>The task's own timeout (<c>timeoutSeconds</c>), for a task that can also hand it to the server it talks to.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The job's secret values, for a task that logs through a logger of its own rather than <see cref="Logger"/>.</summary>
    public SecretRedactor Redactor { get; init; } = new();

    /// <summary>What the job knows about itself, for a task that hands it on (a dataflow's expressions read it).</summary>
    public RunContext RunContext { get; init; } = RunContext.None;

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

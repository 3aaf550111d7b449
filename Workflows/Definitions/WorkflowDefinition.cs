using System.Text.Json;

namespace Scheduler.Workflows.Definitions;

/// <summary>A workflow as its JSON document describes it: input variables, the tasks that run, and its outputs.</summary>
public sealed record WorkflowDefinition(
    string Name,
    string? Description,
    IReadOnlyList<VariableDefinition> Variables,
    IReadOnlyList<TaskDefinition> Tasks)
{
    public const int DefaultMaxParallelism = 4;

    /// <summary>Values the workflow returns, computed from task outputs when it ends; shown in the job details.</summary>
    public IReadOnlyList<WorkflowOutputDefinition> Outputs { get; init; } = [];

    /// <summary>How many tasks of one job may run at the same time.</summary>
    public int MaxParallelism { get; init; } = DefaultMaxParallelism;

    /// <summary>The longest a whole job may run; its running tasks are stopped and the job fails after it.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The tasks that run after the graph to report how the job went (<c>onFailure</c>, <c>onSuccess</c>, <c>onFinished</c>).</summary>
    public WorkflowNotifications Notifications { get; init; } = WorkflowNotifications.None;

    /// <summary>Whether <paramref name="name"/> (in any case) is one of the workflow's secret variables.</summary>
    public bool IsSecretVariable(string name) =>
        Variables.Any(v => v.Secret && v.Name.Equals(name, StringComparison.OrdinalIgnoreCase));
}

/// <summary>An input of the workflow, set by the <c>Variables</c> object of a run request.</summary>
public sealed record VariableDefinition(
    string Name,
    ScalarType Type,
    bool Required,
    JsonElement? Default,
    string? Description)
{
    /// <summary>A secret value (a password, a token) is masked wherever parameters are shown.</summary>
    public bool Secret { get; init; }
}

/// <summary>
/// One task of the workflow. Input values are literals or templates such as <c>${Variables.sourceFilePath}</c>
/// or <c>${FileTransferTask1.localPath}</c>; a task that references another one depends on it.
/// </summary>
public sealed record TaskDefinition(
    string Name,
    string Type,
    IReadOnlyList<string> DependsOn,
    IReadOnlyDictionary<string, string> Inputs)
{
    private static readonly Dictionary<string, DependencyCondition> NoConditions = [];

    /// <summary>The condition on each upstream task named in <c>dependsOn</c> with one; the others need it to succeed.</summary>
    public IReadOnlyDictionary<string, DependencyCondition> Conditions { get; init; } = NoConditions;

    public RetryPolicy? Retry { get; init; }

    /// <summary>
    /// The inputs a run request may set for this task (<c>"overridable": ["remotePath"]</c>). Nothing else of a task can
    /// be changed from outside: whoever may start a job must not be able to point it at another file, server or action.
    /// </summary>
    public IReadOnlyList<string> Overridable { get; init; } = [];

    /// <summary>The longest one attempt of the task may run before it fails as timed out.</summary>
    public TimeSpan? Timeout { get; init; }

    public DependencyCondition ConditionOn(string upstream) =>
        Conditions.FirstOrDefault(c => string.Equals(c.Key, upstream, StringComparison.OrdinalIgnoreCase)) is { Key: not null } found
            ? found.Value
            : DependencyCondition.Succeeded;
}

/// <summary>What an upstream task must have done for a dependent task to run; otherwise the dependent is Skipped.</summary>
public enum DependencyCondition
{
    /// <summary>The upstream task completed (the normal path).</summary>
    Succeeded,

    /// <summary>The upstream task failed (an error path).</summary>
    Failed,

    /// <summary>The upstream task ran, whatever its outcome.</summary>
    Finished,

    /// <summary>The upstream Decision task's expression was true.</summary>
    True,

    /// <summary>The upstream Decision task's expression was false.</summary>
    False,
}

/// <summary>How often a failed task is tried again, and how long to wait before each try.</summary>
public sealed record RetryPolicy(int Count, TimeSpan Delay, double Backoff)
{
    public TimeSpan DelayBefore(int retry) => TimeSpan.FromMilliseconds(Delay.TotalMilliseconds * Math.Pow(Backoff, retry - 1));
}

/// <summary>A value the workflow returns: <c>{"name":"rowsLoaded","type":"int","value":"${RunDataflow1.rowsWritten}"}</c>.</summary>
public sealed record WorkflowOutputDefinition(string Name, ScalarType Type, string Value);

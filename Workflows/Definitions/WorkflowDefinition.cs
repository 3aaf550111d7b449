using System.Text.Json;

namespace Scheduler.Workflows.Definitions;

/// <summary>A workflow as its JSON document describes it: input variables and the tasks that run.</summary>
public sealed record WorkflowDefinition(
    string Name,
    string? Description,
    IReadOnlyList<VariableDefinition> Variables,
    IReadOnlyList<TaskDefinition> Tasks);

/// <summary>An input of the workflow, set by the <c>Variables</c> object of a run request.</summary>
public sealed record VariableDefinition(
    string Name,
    ScalarType Type,
    bool Required,
    JsonElement? Default,
    string? Description);

/// <summary>
/// One task of the workflow. Input values are literals or templates such as <c>${Variables.sourceFilePath}</c>
/// or <c>${FileTransferTask1.localPath}</c>; a task that references another one depends on it.
/// </summary>
public sealed record TaskDefinition(
    string Name,
    string Type,
    IReadOnlyList<string> DependsOn,
    IReadOnlyDictionary<string, string> Inputs);

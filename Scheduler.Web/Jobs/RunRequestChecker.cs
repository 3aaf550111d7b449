using Scheduler.Web.Http;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// The outcome of checking a workflow name and its run parameters: the workflow and the parameters as they will be
/// given to the job, or every problem keyed by the request field it is about.
/// </summary>
internal sealed record RunRequestCheck(
    WorkflowDefinition? Workflow,
    bool WorkflowFound,
    IReadOnlyList<ParameterAssignment> Given,
    IReadOnlyDictionary<string, string[]> Problems)
{
    public bool IsValid => Workflow is not null && Problems.Count == 0;
}

/// <summary>
/// Checks a workflow name and run parameters the way every entry point that makes jobs must (a run now, a schedule),
/// so that a request that cannot run is refused with every problem before anything is queued or saved. The shape of
/// the request is checked here; the workflow and the binding are <see cref="WorkflowResolver"/>'s.
/// </summary>
internal sealed class RunRequestChecker(WorkflowResolver resolver)
{
    /// <summary>The most parameters one request may set; a workflow has a handful of variables and task inputs.</summary>
    public const int MaxParameters = 100;

    /// <summary>The longest value (in characters) of one parameter: every value is kept with the job and shown in its details and lists.</summary>
    public const int MaxValueLength = 4096;

    /// <summary>
    /// Checks the request. A secret variable given the mask (<c>***</c>, how its value shows) is refused: a job or
    /// schedule copied from what the API showed would otherwise run with <c>***</c> as the value. A schedule sent back
    /// keeps no secret either: kept, its value could be sent wherever the other parameters, changed, pointed it.
    /// </summary>
    public async Task<RunRequestCheck> CheckAsync(string? workflowName, IReadOnlyList<RunJobParameter?>? parameters, CancellationToken cancellationToken)
    {
        if (parameters?.Count > MaxParameters)
        {
            var found = await resolver.FindAsync(workflowName, cancellationToken);
            var tooMany = new ProblemList();
            if (found.Problems.Count == 0)
            {
                tooMany.Add("parameters", $"a request sets at most {MaxParameters} parameters; this one sets {parameters.Count}");
            }

            return Refused(found, tooMany);
        }

        var problems = new ProblemList();
        var assignments = ReadParameters(parameters ?? [], problems);
        var resolution = await resolver.ResolveAsync(workflowName, [.. assignments.Select(a => a.Assignment)], cancellationToken);
        if (resolution.Workflow is null)
        {
            return Refused(resolution, new ProblemList());
        }

        foreach (var problem in resolution.Problems)
        {
            problems.Add(problem.Index < 0 ? problem.Field : $"parameters[{assignments[problem.Index].Index}].{problem.Field}", problem.Message);
        }

        foreach (var (index, assignment) in assignments)
        {
            if (JobSecrets.IsMasked(resolution.Workflow, assignment))
            {
                problems.Add($"parameters[{index}].value", $"'{SecretReference.Mask}' is how the value of the secret {assignment.Parameters} shows, not a value: give the value itself");
            }
        }

        return new(resolution.Workflow, WorkflowFound: true, [.. assignments.Select(a => a.Assignment)], problems.ToDictionary());
    }
    private static List<(int Index, ParameterAssignment Assignment)> ReadParameters(IReadOnlyList<RunJobParameter?> parameters, ProblemList problems)
    {
        var assignments = new List<(int, ParameterAssignment)>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var before = problems.Count;
            if (parameters[i] is not { } parameter)
            {
                problems.Add($"parameters[{i}]", "a parameter cannot be null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(parameter.ActionName))
            {
                problems.Add($"parameters[{i}].actionName", $"name the object to set: {WorkflowObjects.Variables} or a task name");
            }

            if (string.IsNullOrWhiteSpace(parameter.Parameters))
            {
                problems.Add($"parameters[{i}].parameters", "name the variable or input to set");
            }

            if (parameter.Value.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)
            {
                problems.Add($"parameters[{i}].value", "the value must be a string, a number or a boolean");
            }
            else if (JobSecrets.ReferenceProblem(ScalarValues.ToText(parameter.Value)) is { } reference)
            {
                problems.Add($"parameters[{i}].value", reference);
            }

            var value = ScalarValues.ToText(parameter.Value);
            if (value?.Length > MaxValueLength)
            {
                problems.Add($"parameters[{i}].value", $"the value is {value.Length} characters long; the most a parameter value may have is {MaxValueLength}");
            }

            if (problems.Count == before)
            {
                assignments.Add((i, new(parameter.ActionName!, parameter.Parameters!, value)));
            }
        }

        return assignments;
    }

    // The workflow's own problems and the request's: parameters are not checked against a workflow that cannot run.
    private static RunRequestCheck Refused(WorkflowResolution resolution, ProblemList problems)
    {
        foreach (var problem in resolution.Problems)
        {
            problems.Add(problem.Field, problem.Message);
        }

        return new(null, resolution.WorkflowFound, [], problems.ToDictionary());
    }
}

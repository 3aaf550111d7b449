using Scheduler.Web.Http;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>
/// The outcome of checking a workflow name and its run parameters: the workflow and the parameters as they will be
/// given to the job, or every problem keyed by the request field it is about.
/// </summary>
public sealed record RunRequestCheck(
    WorkflowDefinition? Workflow,
    bool WorkflowFound,
    IReadOnlyList<ParameterAssignment> Given,
    IReadOnlyDictionary<string, string[]> Problems)
{
    public bool IsValid => Workflow is not null && Problems.Count == 0;
}

/// <summary>
/// Checks a workflow name and run parameters the way every entry point that makes jobs must (a run now, a schedule),
/// so that a request that cannot run is refused with every problem before anything is queued or saved.
/// </summary>
public sealed class RunRequestChecker(WorkflowCatalog workflows, ParameterBinder binder)
{
    /// <summary>The most parameters one request may set; a workflow has a handful of variables and task inputs.</summary>
    public const int MaxParameters = 100;

    /// <summary>The longest value (in characters) of one parameter: every value is kept with the job and shown in its details and lists.</summary>
    public const int MaxValueLength = 4096;

    /// <summary>Checks against the definitions as they are now on any node (the catalog is refreshed first).</summary>
    public async Task<RunRequestCheck> CheckAsync(string? workflowName, IReadOnlyList<RunJobParameter?>? parameters, CancellationToken cancellationToken)
    {
        await workflows.RefreshAsync(cancellationToken);
        if (string.IsNullOrWhiteSpace(workflowName))
        {
            return Refused(workflowFound: true, "workflow", $"name the workflow to run; known: {string.Join(", ", workflows.All.Select(w => w.Name))}");
        }

        if (!workflows.TryGet(workflowName, out var workflow))
        {
            return workflows.ProblemsOf(workflowName) is { } definitionProblems
                ? Refused(workflowFound: true, "workflow", [.. definitionProblems.Select(p => $"the workflow '{workflowName}' is invalid and cannot run: {p}")])
                : Refused(workflowFound: false, "workflow", $"there is no workflow named '{workflowName}'; known: {string.Join(", ", workflows.All.Select(w => w.Name))}");
        }

        if (parameters?.Count > MaxParameters)
        {
            return Refused(workflowFound: true, "parameters", $"a request sets at most {MaxParameters} parameters; this one sets {parameters.Count}");
        }

        var problems = new ProblemList();
        var assignments = ReadParameters(parameters ?? [], problems);
        var binding = binder.Bind(workflow, assignments.Select(a => a.Assignment).ToList());
        foreach (var problem in binding.Problems)
        {
            problems.Add(problem.Index < 0 ? "parameters" : $"parameters[{assignments[problem.Index].Index}].{problem.Field}", problem.Message);
        }

        return new(workflow, WorkflowFound: true, [.. assignments.Select(a => a.Assignment)], problems.ToDictionary());
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

    private static RunRequestCheck Refused(bool workflowFound, string key, params string[] messages) =>
        new(null, workflowFound, [], new Dictionary<string, string[]> { [key] = messages });
}

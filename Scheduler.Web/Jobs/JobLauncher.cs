using Hangfire;
using Hangfire.Common;
using Hangfire.States;
using Scheduler.Web.Hosting;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Jobs;

/// <summary>The outcome of a run request: a job id, or why no job was made.</summary>
public sealed record JobLaunch(string? JobId, bool WorkflowFound, IReadOnlyDictionary<string, string[]> Problems);

/// <summary>
/// Checks a run request completely before anything is queued (an invalid request never makes a job), then enqueues
/// the workflow on Hangfire and writes the job's own record.
/// </summary>
public sealed class JobLauncher(
    WorkflowCatalog workflows, ParameterBinder binder, IBackgroundJobClient jobs, IJobRunStore runs, TimeProvider time)
{
    public async Task<JobLaunch> LaunchAsync(RunJobRequest request, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(request.Workflow))
        {
            return Invalid("workflow", $"name the workflow to run; known: {string.Join(", ", workflows.All.Select(w => w.Name))}");
        }

        if (!workflows.TryGet(request.Workflow, out var workflow))
        {
            return workflows.ProblemsOf(request.Workflow) is { } definitionProblems
                ? Invalid("workflow", [.. definitionProblems.Select(p => $"the workflow '{request.Workflow}' is invalid and cannot run: {p}")])
                : new(null, WorkflowFound: false, new Dictionary<string, string[]>());
        }

        var problems = new Dictionary<string, List<string>>();
        var assignments = ReadParameters(request.Parameters ?? [], problems);
        var binding = binder.Bind(workflow, assignments.Select(a => a.Assignment).ToList());
        foreach (var problem in binding.Problems)
        {
            var key = problem.Index < 0 ? "parameters" : $"parameters[{assignments[problem.Index].Index}].{problem.Field}";
            Add(problems, key, problem.Message);
        }

        if (problems.Count > 0)
        {
            return new(null, WorkflowFound: true, problems.ToDictionary(p => p.Key, p => p.Value.ToArray()));
        }

        var given = assignments.Select(a => a.Assignment).ToArray();
        var jobId = jobs.Create(
            Job.FromExpression<WorkflowJob>(job => job.RunAsync(workflow.Name, given, null, CancellationToken.None)),
            new EnqueuedState());
        await runs.CreateAsync(
            new JobRun(jobId, workflow.Name, RunStatus.Queued, time.GetUtcNow(), null, null, given, null, []),
            cancellationToken);
        return new(jobId, WorkflowFound: true, new Dictionary<string, string[]>());
    }

    private static List<(int Index, ParameterAssignment Assignment)> ReadParameters(
        IReadOnlyList<RunJobParameter?> parameters, Dictionary<string, List<string>> problems)
    {
        var assignments = new List<(int, ParameterAssignment)>();
        for (var i = 0; i < parameters.Count; i++)
        {
            var before = problems.Count;
            if (parameters[i] is not { } parameter)
            {
                Add(problems, $"parameters[{i}]", "a parameter cannot be null");
                continue;
            }

            if (string.IsNullOrWhiteSpace(parameter.ActionName))
            {
                Add(problems, $"parameters[{i}].actionName", $"name the object to set: {WorkflowObjects.Variables} or a task name");
            }

            if (string.IsNullOrWhiteSpace(parameter.Parameters))
            {
                Add(problems, $"parameters[{i}].parameters", "name the variable or input to set");
            }

            if (parameter.Value.ValueKind is System.Text.Json.JsonValueKind.Object or System.Text.Json.JsonValueKind.Array)
            {
                Add(problems, $"parameters[{i}].value", "the value must be a string, a number or a boolean");
            }

            if (problems.Count == before)
            {
                assignments.Add((i, new(parameter.ActionName!, parameter.Parameters!, ScalarValues.ToText(parameter.Value))));
            }
        }

        return assignments;
    }

    private static JobLaunch Invalid(string key, params string[] messages) =>
        new(null, WorkflowFound: true, new Dictionary<string, string[]> { [key] = messages });

    private static void Add(Dictionary<string, List<string>> problems, string key, string message)
    {
        if (!problems.TryGetValue(key, out var messages))
        {
            problems[key] = messages = [];
        }

        messages.Add(message);
    }
}

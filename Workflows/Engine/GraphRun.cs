using Microsoft.Extensions.Logging;
using Scheduler.Dataflows;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Engine;

/// <summary>How a run of one workflow's graph ended, and the values the workflow returns.</summary>
internal sealed record GraphResult(RunStatus Status, string? Error, IReadOnlyDictionary<string, object?> Outputs);

/// <summary>
/// One run of a workflow's task graph: tasks start as soon as their dependencies have ended and their conditions hold,
/// up to the workflow's parallelism; a task whose condition cannot hold is Skipped. Each attempt of a task has its own
/// timeout, failed attempts are retried with backoff, and the whole run has a timeout of its own. Also runs the
/// workflows that its RunWorkflow tasks start, as nested runs inside the same job.
/// </summary>
internal sealed class GraphRun(
    GraphRunSettings settings, WorkflowDefinition workflow, BoundParameters parameters, string directory, string stepPrefix, RunContext runContext)
    : IChildWorkflowRunner
{
    private const int MaxNesting = 8;

    private readonly TaskGraph _graph = TaskGraph.Build(workflow, settings.Tasks.ReadsFrom);
    private readonly VisibleValues _visible = new(parameters.Variables, runContext);

    public IReadOnlyList<TaskDefinition> Order => _graph.Order;

    /// <summary>The values the run's tasks could read by <c>Object.member</c> so far: its variables and the outputs of completed tasks.</summary>
    public IReadOnlyDictionary<string, object?> Visible => _visible.Snapshot;

    /// <summary>Makes values named <c>Object.member</c> readable by every task of this run, before it starts.</summary>
    public void See(IEnumerable<KeyValuePair<string, object?>> values) => _visible.AddNamed(values);

    /// <summary>A step record for every task, none run yet.</summary>
    public List<StepRun> PendingSteps => [.. Order.Select(t => StepRun.Pending(t.Name, t.Type))];

    /// <summary>Runs the graph from <paramref name="from"/>: its Completed steps (of an earlier run) are kept and not run again.</summary>
    public async Task<GraphResult> RunAsync(Func<int, StepRun, Task> saveStep, IReadOnlyList<StepRun> from, CancellationToken jobToken)
    {
        // A secret variable is masked whatever gave it its value: a run parameter, a default, a parent workflow.
        foreach (var variable in workflow.Variables.Where(v => v.Secret))
        {
            settings.Redactor.Add(parameters.Variables.FirstOrDefault(v => string.Equals(v.Key, variable.Name, StringComparison.OrdinalIgnoreCase)).Value);
        }

        var steps = from.ToArray();
        var started = steps.Select(s => s.Status == StepStatus.Completed).ToArray();
        for (var position = 0; position < steps.Length; position++)
        {
            if (started[position])
            {
                _visible.Add(Order[position].Name, steps[position].Outputs);
            }
        }

        using var timeout = workflow.Timeout is { } limit ? new CancellationTokenSource(limit, settings.Time) : new CancellationTokenSource();
        using var run = CancellationTokenSource.CreateLinkedTokenSource(jobToken, timeout.Token);
        var running = new Dictionary<Task<StepRun>, int>();
        Directory.CreateDirectory(directory);

        while (true)
        {
            for (var position = 0; position < steps.Length; position++)
            {
                if (started[position] || !DependenciesEnded(position, steps))
                {
                    continue;
                }

                var blocked = run.IsCancellationRequested ? "the job stopped before it could start" : UnmetCondition(position, steps);
                if (blocked is not null)
                {
                    started[position] = true;
                    steps[position] = steps[position] with { Status = run.IsCancellationRequested ? StepStatus.Cancelled : StepStatus.Skipped };
                    settings.Log.Write(Name(position), LogLevel.Information, $"{Name(position)} did not run: {blocked}");
                    await saveStep(position, steps[position]);
                }
                else if (running.Count < workflow.MaxParallelism)
                {
                    started[position] = true;
                    running.Add(RunStepAsync(position, steps[position], saveStep, timeout, jobToken, run.Token), position);
                }
            }

            if (running.Count == 0)
            {
                break;
            }

            var done = await Task.WhenAny(running.Keys);
            var finished = running[done];
            running.Remove(done);
            steps[finished] = await done;
            if (steps[finished].Status == StepStatus.Completed)
            {
                _visible.Add(Order[finished].Name, steps[finished].Outputs);
            }
        }

        await settings.Log.FlushAsync();
        var (status, error) = Outcome(steps, timeout, jobToken);
        return new(status, error, ComputeOutputs());
    }

    public async Task<ChildWorkflowResult> RunAsync(
        string workflowName, IReadOnlyDictionary<string, object?> variables, string childDirectory, CancellationToken cancellationToken)
    {
        var child = settings.Workflows(workflowName) ?? throw new TaskFailedException($"there is no valid workflow named '{workflowName}'");
        if (stepPrefix.Count(c => c == '/') >= MaxNesting)
        {
            throw new TaskFailedException($"workflows are nested more than {MaxNesting} deep");
        }

        // The task sets some of the child's variables; the others take their defaults, exactly as in a run request.
        var values = variables.Where(v => v.Value is not null).ToDictionary(v => v.Key, v => v.Value, StringComparer.OrdinalIgnoreCase);
        foreach (var (variable, value) in VariableDefaults.NotSet(child, values.ContainsKey))
        {
            values[variable.Name] = value ?? (variable.Required
                ? throw new TaskFailedException($"the required variable '{variable.Name}' of the workflow '{child.Name}' has no value")
                : null);
        }

        var bound = new BoundParameters(values, new Dictionary<string, IReadOnlyDictionary<string, object?>>());
        // A child workflow runs inside its parent's job: the same job, trigger and start, under its own workflow name.
        var nested = new GraphRun(settings, child, bound, childDirectory, $"{stepPrefix}{child.Name}/", runContext with { Workflow = child.Name });
        var result = await nested.RunAsync((_, _) => Task.CompletedTask, nested.PendingSteps, cancellationToken);
        return new(result.Status == RunStatus.Completed, result.Error, result.Outputs);
    }

    private string Name(int position) => stepPrefix + Order[position].Name;

    // Step names repeat when one child workflow runs under two RunWorkflow tasks; their folders never do.
    private string StepKey(TaskDefinition task) =>
        Path.GetRelativePath(settings.JobFolder, Path.Combine(directory, task.Name)).Replace(Path.DirectorySeparatorChar, '/');

    private bool DependenciesEnded(int position, StepRun[] steps) =>
        _graph.DependenciesOf(Order[position].Name).All(d => steps[IndexOf(d)].Status is not (StepStatus.Pending or StepStatus.Running));

    private int IndexOf(string task) => Order.ToList().FindIndex(t => string.Equals(t.Name, task, StringComparison.OrdinalIgnoreCase));

    /// <summary>Why the task cannot run after its dependencies ended, or null when every condition holds.</summary>
    private string? UnmetCondition(int position, StepRun[] steps)
    {
        var task = Order[position];
        foreach (var dependency in _graph.DependenciesOf(task.Name))
        {
            var upstream = steps[IndexOf(dependency)];
            var condition = task.ConditionOn(dependency);
            var decided = upstream.Outputs.FirstOrDefault(o => string.Equals(o.Key, Tasks.DecisionTask.Result, StringComparison.OrdinalIgnoreCase)).Value;
            var holds = condition switch
            {
                DependencyCondition.Succeeded => upstream.Status == StepStatus.Completed,
                DependencyCondition.Failed => upstream.Status == StepStatus.Failed,
                DependencyCondition.Finished => upstream.Status is StepStatus.Completed or StepStatus.Failed,
                DependencyCondition.True => upstream.Status == StepStatus.Completed && decided is true,
                DependencyCondition.False => upstream.Status == StepStatus.Completed && decided is false,
                _ => false,
            };
            if (!holds)
            {
                return $"it needs {dependency} to be {condition.ToString().ToLowerInvariant()}, and {dependency} is {Describe(upstream)}";
            }
        }

        return null;
    }

    private static string Describe(StepRun step) =>
        step.Outputs.FirstOrDefault(o => string.Equals(o.Key, Tasks.DecisionTask.Result, StringComparison.OrdinalIgnoreCase)).Value is bool decided
            ? decided.ToString().ToLowerInvariant()
            : step.Status.ToString().ToLowerInvariant();

    private async Task<StepRun> RunStepAsync(
        int position, StepRun step, Func<int, StepRun, Task> saveStep, CancellationTokenSource timeout, CancellationToken jobToken, CancellationToken runToken)
    {
        // Yield first, so that starting a step never runs task code on the scheduler's own loop.
        await Task.Yield();
        var task = Order[position];
        var name = Name(position);
        step = step with { Status = StepStatus.Running, StartedAt = settings.Time.GetUtcNow() };
        await saveStep(position, step);
        settings.Log.Write(name, LogLevel.Information, $"{name} started");
        using var scope = settings.Logger.BeginScope(new LogScope(new KeyValuePair<string, object?>("Step", name)));
        var attempts = 1 + (task.Retry?.Count ?? 0);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var (outputs, error) = await AttemptAsync(task, name, attempt, runToken);
                if (outputs is not null)
                {
                    step = step with { Status = StepStatus.Completed, FinishedAt = settings.Time.GetUtcNow(), Outputs = outputs };
                    settings.Log.Write(name, LogLevel.Information, $"{name} completed in {Seconds(step.FinishedAt - step.StartedAt)}");
                    break;
                }

                if (attempt >= attempts)
                {
                    step = step with { Status = StepStatus.Failed, FinishedAt = settings.Time.GetUtcNow(), Error = error };
                    settings.Log.Write(name, LogLevel.Error, $"{name} failed: {error}");
                    break;
                }

                var delay = task.Retry!.DelayBefore(attempt);
                settings.Log.Write(name, LogLevel.Warning, $"{name} attempt {attempt} of {attempts} failed: {error}; trying again in {Seconds(delay)}");
                await Task.Delay(delay, settings.Time, runToken);
            }
        }
        catch (OperationCanceledException) when (runToken.IsCancellationRequested)
        {
            var timedOut = !jobToken.IsCancellationRequested && timeout.IsCancellationRequested;
            step = step with
            {
                Status = timedOut ? StepStatus.Failed : StepStatus.Cancelled,
                FinishedAt = settings.Time.GetUtcNow(),
                Error = timedOut ? $"stopped: the job timed out after {Seconds(workflow.Timeout)}" : "cancelled",
            };
            settings.Log.Write(name, LogLevel.Warning, $"{name} {step.Error}");
        }

        await saveStep(position, step);
        await settings.Log.FlushAsync();
        return step;
    }

    /// <summary>One try of a task: its outputs, or the reason it failed. Cancellation of the run is thrown, not returned.</summary>
    private async Task<(IReadOnlyDictionary<string, object?>? Outputs, string? Error)> AttemptAsync(TaskDefinition task, string name, int number, CancellationToken runToken)
    {
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(runToken);
        if (task.Timeout is { } limit)
        {
            attempt.CancelAfter(limit);
        }

        try
        {
            var type = settings.Tasks.Get(task.Type);
            var visible = _visible.Snapshot;
            var inputs = InputResolver.Resolve(task, type.InputsFor(task.LiteralInputs(), settings.Workflows), parameters, visible);
            var context = new TaskRunContext(settings.JobId, name, directory, inputs, settings.Log.For(name, settings.Logger))
            {
                JobFolder = settings.JobFolder,
                VisibleValues = visible,
                ChildWorkflows = this,
                StepKey = StepKey(task),
                Attempt = number,
                Redactor = settings.Redactor,
                Timeout = task.Timeout,
                RunContext = runContext,
            };
            return (await type.RunAsync(context, attempt.Token), null);
        }
        catch (OperationCanceledException) when (!runToken.IsCancellationRequested && attempt.IsCancellationRequested)
        {
            return (null, $"timed out after {Seconds(task.Timeout)}");
        }
        catch (Exception e) when ((e is not OperationCanceledException || !runToken.IsCancellationRequested) && !InfrastructureFailure.IsServerShutdown(e))
        {
            // A TaskFailedException is the user's to fix and its message says how; anything else is logged whole for
            // the operator, and its message still reaches the user.
            if (e is not TaskFailedException)
            {
                settings.Logger.LogStepFailed(e, name, settings.JobId);
            }

            return (null, e.Message);
        }
    }

    /// <summary>
    /// How the run ended, from what its steps did: a cancel that reached no step (it came after the last one had
    /// finished, a load's COMMIT included) does not make a job Cancelled whose work was all done.
    /// </summary>
    private (RunStatus, string?) Outcome(StepRun[] steps, CancellationTokenSource timeout, CancellationToken jobToken)
    {
        if (jobToken.IsCancellationRequested)
        {
            if (steps.Any(s => s.Status is StepStatus.Cancelled or StepStatus.Failed))
            {
                return (RunStatus.Cancelled, "the job was cancelled");
            }

            if (stepPrefix.Length == 0)
            {
                settings.Log.Write(null, LogLevel.Warning, "The cancel came too late: every step had already finished, and what they did stays done");
            }
        }

        if (timeout.IsCancellationRequested)
        {
            return (RunStatus.Failed, $"the job timed out after {Seconds(workflow.Timeout)}");
        }

        var failed = Enumerable.Range(0, steps.Length).Where(p => steps[p].Status == StepStatus.Failed).ToList();
        return failed.Count == 0
            ? (RunStatus.Completed, null)
            : (RunStatus.Failed, string.Join("; ", failed.Select(p => $"{Name(p)} failed: {steps[p].Error}")));
    }

    private Dictionary<string, object?> ComputeOutputs()
    {
        var outputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase);
        var visible = _visible.Snapshot;
        foreach (var output in workflow.Outputs)
        {
            try
            {
                outputs[output.Name] = InputResolver.Evaluate(output.Value, new TaskInput(output.Name, output.Type, false, ""), visible, $"the output '{output.Name}'");
            }
            catch (TaskFailedException e)
            {
                outputs[output.Name] = null;
                settings.Log.Write(null, LogLevel.Warning, e.Message);
            }
        }

        return outputs;
    }

    private static string Seconds(TimeSpan? duration) =>
        string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{duration?.TotalSeconds:0.###} s");
}

/// <summary>What every graph run of one job shares.</summary>
internal sealed record GraphRunSettings(
    string JobId,
    string JobFolder,
    TaskRegistry Tasks,
    Func<string, WorkflowDefinition?> Workflows,
    JobLogWriter Log,
    TimeProvider Time,
    ILogger Logger,
    SecretRedactor Redactor);

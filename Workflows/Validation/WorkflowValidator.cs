using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Validation;

/// <summary>
/// Checks what a workflow means: known task types and inputs, required inputs present, literal values of the right
/// type, references that name a variable or an earlier task's output of a compatible type, dependency conditions a
/// task can meet (alone and together with those upstream of it), outputs that resolve, connections that are configured
/// with the type a task needs, and no cycles. Every problem
/// is reported with its place in the document; an invalid workflow never runs.
/// </summary>
/// <param name="tasks">The task types.</param>
/// <param name="connections">The connections of this node, which inputs that name one must name (null: not checked).</param>
public sealed class WorkflowValidator(TaskRegistry tasks, ConnectionCatalog? connections = null)
{
    public const string DecisionType = "Decision";

    public IReadOnlyList<DefinitionProblem> Validate(WorkflowDefinition workflow) => Validate(workflow, _ => null);

    /// <param name="workflow">The workflow to check.</param>
    /// <param name="workflows">The other workflows by name, for tasks that run one (null: unknown).</param>
    public IReadOnlyList<DefinitionProblem> Validate(WorkflowDefinition workflow, Func<string, WorkflowDefinition?> workflows)
    {
        var problems = new List<DefinitionProblem>();
        var scope = new ValidationScope(workflow, tasks, workflows, connections);
        var graph = TaskGraph.Build(workflow, tasks.ReadsFrom);

        for (var i = 0; i < workflow.Tasks.Count; i++)
        {
            var task = workflow.Tasks[i];
            var path = $"$.tasks[{i}]";
            problems.AddRange(ValidateDependencies(workflow, task, path));
            if (!tasks.TryGet(task.Type, out var type))
            {
                problems.AddRange(UnknownType(task, path));
                continue;
            }

            problems.AddRange(ValidateInputs(task, type, path, scope));
            problems.AddRange(ValidateOverridable(task, type, path));
            if (graph.Cycle.Count == 0)
            {
                var visible = scope.VisibleTo(task, graph);
                var context = new TaskValidationContext(workflow, task, task.LiteralInputs(), visible, workflows);
                problems.AddRange(type.ValidateInWorkflow(context).Select(p => new DefinitionProblem($"{path}.inputs", p)));
            }
        }

        if (graph.Cycle.Count > 0)
        {
            problems.Add(new("$.tasks", $"the tasks {string.Join(", ", graph.Cycle)} depend on each other in a cycle"));
        }
        else
        {
            problems.AddRange(TaskReachability.Problems(workflow, graph));
        }

        problems.AddRange(ValidateNotifications(workflow, workflows, graph.Cycle.Count == 0));

        for (var i = 0; i < workflow.Outputs.Count; i++)
        {
            var output = workflow.Outputs[i];
            var input = new TaskInput(output.Name, output.Type, Required: false, "");
            problems.AddRange(scope.CheckValue(output.Value, input, task: null).Select(p => new DefinitionProblem($"$.outputs[{i}].value", p)));
        }

        return problems;
    }

    /// <summary>A notification is checked like a task that runs after all of them, with the job's status and error to read.</summary>
    private IEnumerable<DefinitionProblem> ValidateNotifications(WorkflowDefinition workflow, Func<string, WorkflowDefinition?> workflows, bool acyclic)
    {
        var scope = new ValidationScope(workflow, tasks, workflows, connections) { AfterGraph = true };
        var visible = scope.VisibleAfterGraph();
        foreach (var (list, index, task) in workflow.Notifications.All)
        {
            var path = $"$.{list}[{index}]";
            if (!tasks.TryGet(task.Type, out var type))
            {
                foreach (var problem in UnknownType(task, path))
                {
                    yield return problem;
                }

                continue;
            }

            foreach (var problem in ValidateInputs(task, type, path, scope))
            {
                yield return problem;
            }

            if (acyclic)
            {
                var context = new TaskValidationContext(workflow, task, task.LiteralInputs(), visible, workflows);
                foreach (var problem in type.ValidateInWorkflow(context))
                {
                    yield return new($"{path}.inputs", problem);
                }
            }
        }
    }

    // A missing type is reported where the document is read.
    private IEnumerable<DefinitionProblem> UnknownType(TaskDefinition task, string path) =>
        string.IsNullOrWhiteSpace(task.Type) ? [] : [new($"{path}.type", $"unknown task type '{task.Type}'; valid: {tasks.TypeNames}")];

    private static IEnumerable<DefinitionProblem> ValidateDependencies(WorkflowDefinition workflow, TaskDefinition task, string path)
    {
        foreach (var dependency in task.DependsOn)
        {
            var upstream = workflow.Tasks.FirstOrDefault(t => string.Equals(t.Name, dependency, StringComparison.OrdinalIgnoreCase));
            if (upstream is null)
            {
                yield return new($"{path}.dependsOn", $"'{dependency}' is not a task of this workflow");
            }
            else if (upstream == task)
            {
                yield return new($"{path}.dependsOn", $"the task '{task.Name}' cannot depend on itself");
            }
            else if (task.ConditionOn(dependency) is DependencyCondition.True or DependencyCondition.False
                && !string.Equals(upstream.Type, DecisionType, StringComparison.OrdinalIgnoreCase))
            {
                yield return new(
                    $"{path}.dependsOn",
                    $"'{task.Name}' can never run: it waits for {upstream.Name} to be {task.ConditionOn(dependency).ToString().ToLowerInvariant()}, which only a {DecisionType} task can be");
            }
        }
    }

    /// <summary>
    /// Only an input of the task type itself can be overridable, and never a fixed one: a RunWorkflow's other inputs
    /// are the child's variables, which the parent passes from variables of its own.
    /// </summary>
    private static IEnumerable<DefinitionProblem> ValidateOverridable(TaskDefinition task, IWorkflowTask type, string path)
    {
        var settable = type.Inputs.Where(i => !i.Fixed).Select(i => i.Name).ToList();
        for (var i = 0; i < task.Overridable.Count; i++)
        {
            var name = task.Overridable[i];
            var input = type.Inputs.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));
            var problem = input switch
            {
                null => $"{task.Type} has no input '{name}' a run request could set",
                { Fixed: true } => $"the input '{input.Name}' of {task.Type} chooses what the task does and can never be overridable",
                _ => null,
            };
            if (problem is not null)
            {
                yield return new($"{path}.overridable[{i}]", $"{problem}; may be overridable: {(settable.Count > 0 ? string.Join(", ", settable) : "none")}");
            }
        }
    }

    private static IEnumerable<DefinitionProblem> ValidateInputs(TaskDefinition task, IWorkflowTask type, string path, ValidationScope scope)
    {
        var declaredInputs = scope.InputsOf(task, type);
        var declared = declaredInputs.ToDictionary(i => i.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var (name, value) in task.Inputs)
        {
            var inputPath = $"{path}.inputs.{name}";
            if (!declared.TryGetValue(name, out var input))
            {
                yield return new(inputPath, $"{task.Type} has no input '{name}'; valid: {string.Join(", ", declaredInputs.Select(i => i.Name))}");
                continue;
            }

            foreach (var problem in scope.CheckValue(value, input, task))
            {
                yield return new(inputPath, problem);
            }
        }

        foreach (var missing in declaredInputs.Where(i => i.Required && !task.Inputs.ContainsKey(i.Name)))
        {
            yield return new($"{path}.inputs", $"the required input '{missing.Name}' of {task.Type} is missing");
        }

        foreach (var problem in type.Validate(task.LiteralInputs()))
        {
            yield return new($"{path}.inputs", problem);
        }
    }
}

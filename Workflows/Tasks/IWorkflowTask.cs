using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// A task type (FileTransfer, RunDataflow, ...). It declares its inputs and outputs so that definitions and run
/// parameters are checked before anything runs, and it never learns which protocol, store or host runs under it.
/// </summary>
public interface IWorkflowTask
{
    string Type { get; }

    IReadOnlyList<TaskInput> Inputs { get; }

    IReadOnlyList<TaskOutput> Outputs { get; }

    /// <summary>The inputs of one task of this type; differs from <see cref="Inputs"/> where they depend on the task (RunWorkflow).</summary>
    IReadOnlyList<TaskInput> InputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) => Inputs;

    /// <summary>The outputs of one task of this type; differs from <see cref="Outputs"/> where they depend on the task (RunWorkflow).</summary>
    IReadOnlyList<TaskOutput> OutputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) => Outputs;

    /// <summary>
    /// Tasks whose outputs this task reads other than through <c>${...}</c> references (a Decision's expression); it
    /// depends on them as if they were named in <c>dependsOn</c>.
    /// </summary>
    IEnumerable<string> ReadsFrom(TaskDefinition task) => [];

    /// <summary>Checks that need the task's own knowledge (an action it supports, a dataflow that exists), on literal inputs only.</summary>
    IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs) => [];

    /// <summary>Checks that need the whole workflow: an expression over other tasks' outputs, another workflow it runs.</summary>
    IEnumerable<string> ValidateInWorkflow(TaskValidationContext context) => [];

    /// <summary>Runs the task. A failure the user can fix is a <see cref="TaskFailedException"/> with a message that says what to fix.</summary>
    Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken);
}

public sealed record TaskInput(string Name, ScalarType Type, bool Required, string Description)
{
    /// <summary>When set, the input names a configured connection of one of these types (<c>Connections:{name}:Type</c>).</summary>
    public IReadOnlyList<string>? ConnectionTypes { get; init; }

    /// <summary>
    /// An input that chooses what the task does or whom it talks to (an action, a connection, an expression): a
    /// definition cannot make it overridable, so a run request can never change it.
    /// </summary>
    public bool Fixed { get; init; }

    /// <summary>
    /// The input is JSON text: a value a reference puts into it is JSON-escaped, so a value written between quotes stays
    /// one string and cannot add members (a single reference alone still gives its value as it is).
    /// </summary>
    public bool JsonText { get; init; }
}

public sealed record TaskOutput(string Name, ScalarType Type, string Description);

/// <summary>
/// What a task sees of its workflow when it is validated. <paramref name="VisibleValues"/> holds the type of every
/// value the task may read, by <c>Object.member</c>: the variables and the outputs of the tasks it depends on.
/// </summary>
public sealed record TaskValidationContext(
    WorkflowDefinition Workflow,
    TaskDefinition Task,
    IReadOnlyDictionary<string, string> LiteralInputs,
    IReadOnlyDictionary<string, ScalarType> VisibleValues,
    Func<string, WorkflowDefinition?> Workflows);

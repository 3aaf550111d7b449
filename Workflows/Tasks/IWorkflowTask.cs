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

    /// <summary>Checks that need the task's own knowledge (an action it supports, a dataflow that exists), on literal inputs only.</summary>
    IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs) => [];

    /// <summary>Runs the task. A failure the user can fix is a <see cref="TaskFailedException"/> with a message that says what to fix.</summary>
    Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken);
}

public sealed record TaskInput(string Name, ScalarType Type, bool Required, string Description);

public sealed record TaskOutput(string Name, ScalarType Type, string Description);

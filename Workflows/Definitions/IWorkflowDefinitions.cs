namespace Scheduler.Workflows.Definitions;

/// <summary>The valid workflows by name: what the engine needs to run a workflow from another one.</summary>
public interface IWorkflowDefinitions
{
    bool TryGet(string name, out WorkflowDefinition workflow);
}

using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Tests.Tasks;

public sealed class RunWorkflowTaskTests
{
    [Fact]
    public void The_child_of_a_RunWorkflow_task_is_the_workflow_it_names_as_written()
    {
        RunWorkflowTask.ChildOf(Task("runworkflow", "orders-import")).Should().Be("orders-import", "task types are case-insensitive");
        RunWorkflowTask.ChildOf(Task("RunWorkflow", "${Variables.which}")).Should().BeNull("a reference is known only when the job runs");
        RunWorkflowTask.ChildOf(Task("Decision", "orders-import")).Should().BeNull("only a RunWorkflow task runs a workflow");
    }

    private static TaskDefinition Task(string type, string workflow) =>
        new("Child", type, [], new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { ["workflow"] = workflow });
}

using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Tests.Definitions;

namespace Scheduler.Workflows.Tests.Engine;

public sealed class TaskGraphTests
{
    [Fact]
    public void Independent_tasks_keep_their_document_order()
    {
        var graph = Build("""
            { "name": "C", "type": "Produce" }, { "name": "A", "type": "Produce" }, { "name": "B", "type": "Produce" }
            """);

        Names(graph).Should().Equal("C", "A", "B");
        graph.Cycle.Should().BeEmpty();
    }

    [Fact]
    public void A_task_runs_after_the_tasks_it_dependsOn()
    {
        var graph = Build("""
            { "name": "Load", "type": "Produce", "dependsOn": [ "download" ] },
            { "name": "Download", "type": "Produce" }
            """);

        Names(graph).Should().Equal("Download", "Load");
        graph.DependenciesOf("load").Should().BeEquivalentTo("Download");
    }

    [Fact]
    public void A_reference_to_another_tasks_output_is_an_implicit_dependency()
    {
        var graph = Build("""
            { "name": "Load", "type": "Consume", "inputs": { "path": "${Download.localPath}" } },
            { "name": "Download", "type": "Produce", "inputs": { "text": "${Variables.source}" } }
            """);

        Names(graph).Should().Equal("Download", "Load");
        graph.DependenciesOf("Load").Should().BeEquivalentTo("Download");
        graph.DependenciesOf("Download").Should().BeEmpty("Variables is not a task");
    }

    [Fact]
    public void Only_dependent_tasks_move_and_free_tasks_keep_document_order()
    {
        var graph = Build("""
            { "name": "A", "type": "Produce", "dependsOn": [ "D" ] },
            { "name": "B", "type": "Produce" },
            { "name": "C", "type": "Consume", "inputs": { "path": "${A.name} ${B.name}" } },
            { "name": "D", "type": "Produce" },
            { "name": "E", "type": "Produce" }
            """);

        Names(graph).Should().Equal("B", "D", "A", "C", "E");
    }

    [Fact]
    public void Tasks_in_a_cycle_are_left_out_of_the_order_and_named()
    {
        var graph = Build("""
            { "name": "Free", "type": "Produce" },
            { "name": "A", "type": "Produce", "dependsOn": [ "B" ] },
            { "name": "B", "type": "Consume", "inputs": { "path": "${A.name}" } }
            """);

        Names(graph).Should().Equal("Free");
        graph.Cycle.Should().Equal("A", "B");
    }

    private static TaskGraph Build(string tasks) => TaskGraph.Build(TestTasks.Load($$"""{ "name": "w", "tasks": [ {{tasks}} ] }"""));

    private static IEnumerable<string> Names(TaskGraph graph) => graph.Order.Select(t => t.Name);
}

using Scheduler.Web.Dashboard.Graph;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Web.Tests.Dashboard.Graph;

public sealed class GraphLayoutTests
{
    [Fact]
    public void Each_task_sits_one_level_after_its_latest_dependency_including_references_and_a_Decisions_expression()
    {
        var layout = Layout(Sample("orders-import-checked"));

        layout.Nodes.ToDictionary(n => n.Name, n => n.Level).Should().BeEquivalentTo(new Dictionary<string, int>
        {
            ["Download"] = 0,
            ["Archive"] = 1,
            ["Load"] = 1,
            ["AnyRejected"] = 2,
            ["Quarantine"] = 2,
            ["PublishRejected"] = 3,
        });
        layout.Levels.Should().Be(4);
        layout.Nodes.Single(n => n.Name == "Load").Type.Should().Be("RunDataflow");
    }

    [Fact]
    public void Every_dependency_is_an_arrow_with_its_condition()
    {
        var layout = Layout(Sample("orders-import-checked"));

        layout.Edges.Select(e => (e.From, e.To, e.Condition)).Should().BeEquivalentTo(new[]
        {
            ("Download", "Archive", DependencyCondition.Succeeded),
            ("Download", "Load", DependencyCondition.Succeeded),
            ("Load", "AnyRejected", DependencyCondition.Succeeded),
            ("Download", "Quarantine", DependencyCondition.Succeeded),
            ("Load", "Quarantine", DependencyCondition.Failed),
            ("Download", "PublishRejected", DependencyCondition.Succeeded),
            ("Load", "PublishRejected", DependencyCondition.Succeeded),
            ("AnyRejected", "PublishRejected", DependencyCondition.True),
        });
    }

    [Fact]
    public void Tasks_of_one_level_get_rows_of_their_own()
    {
        var layout = Layout(Sample("orders-import-checked"));

        layout.Nodes.GroupBy(n => n.Level).Should().AllSatisfy(level => level.Select(n => n.Row).Should().OnlyHaveUniqueItems().And.BeInAscendingOrder());
        layout.Rows.Should().Be(2);
    }

    [Fact]
    public void A_RunWorkflow_task_knows_the_workflow_it_runs()
    {
        var layout = Layout(Draft("""
            {"name":"parent","tasks":[{"name":"Child","type":"RunWorkflow","inputs":{"workflow":"orders-import-checked"}},
              {"name":"Other","type":"Decision","inputs":{"expression":"true"}}]}
            """));

        layout.Nodes.Single(n => n.Name == "Child").ChildWorkflow.Should().Be("orders-import-checked");
        layout.Nodes.Single(n => n.Name == "Other").ChildWorkflow.Should().BeNull();
    }

    [Fact]
    public void A_draft_with_a_cycle_is_still_drawn_with_the_cycle_after_the_other_tasks()
    {
        var layout = Layout(Draft("""
            {"name":"loop","tasks":[
              {"name":"Start","type":"Decision","inputs":{"expression":"true"}},
              {"name":"A","type":"Decision","dependsOn":["Start","B"],"inputs":{"expression":"true"}},
              {"name":"B","type":"Decision","dependsOn":["A"],"inputs":{"expression":"true"}}]}
            """));

        layout.Nodes.Select(n => (n.Name, n.Level)).Should().BeEquivalentTo(new[] { ("Start", 0), ("A", 1), ("B", 1) });
        layout.Edges.Should().HaveCount(3);
    }

    [Fact]
    public void A_workflow_of_200_tasks_is_laid_out_completely()
    {
        var layout = Layout(GraphSamples.Wide(200, width: 10));

        layout.Nodes.Should().HaveCount(200);
        layout.Levels.Should().Be(20);
        layout.Rows.Should().Be(10);
        layout.Edges.Should().HaveCount(190);
    }

    internal static GraphLayout Layout(WorkflowDefinition workflow) => GraphLayout.Of(workflow, new TaskRegistry([new DecisionTask()]).ReadsFrom);

    internal static WorkflowDefinition Sample(string name) =>
        Draft(File.ReadAllText(Path.Combine(SchedulerApp.RepositoryFolder("samples"), "workflows", $"{name}.json")));

    internal static WorkflowDefinition Draft(string json) => WorkflowDefinitionLoader.Load(json).Draft!;
}

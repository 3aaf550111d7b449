using System.Xml.Linq;
using Scheduler.Web.Dashboard.Graph;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using static Scheduler.Web.Tests.Dashboard.Graph.GraphLayoutTests;

namespace Scheduler.Web.Tests.Dashboard.Graph;

public sealed class GraphSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    [Fact]
    public void Each_task_is_a_box_with_its_name_and_type()
    {
        var svg = Draw(Sample("orders-import-checked"));

        var boxes = Tasks(svg);
        boxes.Select(b => (string?)b.Attribute("data-task")).Should().BeEquivalentTo("Download", "Archive", "Load", "AnyRejected", "Quarantine", "PublishRejected");
        var load = boxes.Single(b => (string?)b.Attribute("data-task") == "Load");
        load.Elements(Svg + "text").Select(t => t.Value).Should().Equal("Load", "RunDataflow");
        load.Element(Svg + "rect").Should().NotBeNull();
    }

    [Fact]
    public void Each_dependency_is_an_arrow_labelled_with_its_condition()
    {
        var svg = Draw(Sample("orders-import-checked"));

        var arrows = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "dependency").ToList();
        arrows.Should().HaveCount(8);
        var quarantine = arrows.Single(a => (string?)a.Attribute("data-from") == "Load" && (string?)a.Attribute("data-to") == "Quarantine");
        quarantine.Element(Svg + "text")!.Value.Should().Be("failed");
        quarantine.Element(Svg + "path")!.Attribute("marker-end")!.Value.Should().Be("url(#arrow-failed)");
        arrows.Single(a => (string?)a.Attribute("data-to") == "PublishRejected" && (string?)a.Attribute("data-from") == "AnyRejected")
            .Element(Svg + "text")!.Value.Should().Be("true", "a Decision's branch is labelled with the value it takes");
        arrows.Where(a => (string?)a.Attribute("data-condition") == "succeeded").Should().HaveCount(6);
    }

    [Fact]
    public void Each_condition_has_its_own_label_and_line_and_both_branches_of_a_Decision_are_drawn()
    {
        var svg = Draw(Draft("""
            {"name":"conditions","tasks":[
              {"name":"Check","type":"Decision","inputs":{"expression":"true"}},
              {"name":"Yes","type":"Decision","dependsOn":[{"task":"Check","on":"true"}],"inputs":{"expression":"true"}},
              {"name":"No","type":"Decision","dependsOn":[{"task":"Check","on":"false"}],"inputs":{"expression":"true"}},
              {"name":"OnError","type":"Decision","dependsOn":[{"task":"Yes","on":"failed"}],"inputs":{"expression":"true"}},
              {"name":"Always","type":"Decision","dependsOn":[{"task":"No","on":"finished"}],"inputs":{"expression":"true"}},
              {"name":"Next","type":"Decision","dependsOn":["Yes"],"inputs":{"expression":"true"}}]}
            """));

        var arrows = svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "dependency")
            .ToDictionary(a => $"{a.Attribute("data-from")!.Value}->{a.Attribute("data-to")!.Value}");
        var expected = new Dictionary<string, string>
        {
            ["Check->Yes"] = "true",
            ["Check->No"] = "false",
            ["Yes->OnError"] = "failed",
            ["No->Always"] = "finished",
            ["Yes->Next"] = "succeeded",
        };
        arrows.Keys.Should().BeEquivalentTo(expected.Keys);
        foreach (var (arrow, label) in expected)
        {
            arrows[arrow].Element(Svg + "text")!.Value.Should().Be(label, arrow);
            arrows[arrow].Element(Svg + "path")!.Attribute("marker-end")!.Value.Should().Be($"url(#arrow-{label})");
        }

        arrows["No->Always"].Element(Svg + "path")!.Attribute("stroke-dasharray").Should().NotBeNull("a finished arrow runs whatever happened: dashed");
        arrows["Yes->Next"].Element(Svg + "path")!.Attribute("stroke-dasharray").Should().BeNull();
        arrows["Yes->OnError"].Element(Svg + "path")!.Attribute("stroke")!.Value.Should().NotBe(arrows["Yes->Next"].Element(Svg + "path")!.Attribute("stroke")!.Value, "an error path is coloured apart");
    }

    [Fact]
    public void An_arrow_runs_from_the_right_edge_of_the_earlier_box_to_the_left_edge_of_the_later_one()
    {
        var svg = Draw(Sample("orders-import-checked"));

        var download = Rect(svg, "Download");
        var load = Rect(svg, "Load");
        var path = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-from") == "Download" && (string?)g.Attribute("data-to") == "Load")
            .Element(Svg + "path")!.Attribute("d")!.Value;

        path.Should().StartWith($"M{download.X + GraphSvg.BoxWidth},{download.Y + (GraphSvg.BoxHeight / 2)} ")
            .And.EndWith($" {load.X},{load.Y + (GraphSvg.BoxHeight / 2)}");
        load.X.Should().BeGreaterThan(download.X + GraphSvg.BoxWidth);
    }

    [Fact]
    public void An_arrow_that_skips_levels_runs_between_the_rows_past_the_boxes_on_the_levels_it_skips()
    {
        var svg = Draw(Sample("orders-import-checked"));

        var arrow = svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-from") == "Download" && (string?)g.Attribute("data-to") == "PublishRejected");
        var lane = int.Parse(arrow.Element(Svg + "path")!.Attribute("d")!.Value.Split(' ').Single(p => p.StartsWith('L')).Split(',')[1], System.Globalization.CultureInfo.InvariantCulture);

        var skipped = Tasks(svg).Where(t => (int)t.Attribute("data-level")! is 1 or 2).Select(t => Rect(svg, (string)t.Attribute("data-task")!)).ToList();
        skipped.Should().HaveCount(4).And.OnlyContain(box => lane < box.Y || lane > box.Y + GraphSvg.BoxHeight, "the lane crosses no box");
        ((int)arrow.Element(Svg + "text")!.Attribute("y")!).Should().BeLessThan(lane, "the label sits on the lane");
    }

    [Fact]
    public void A_RunWorkflow_box_links_to_the_child_workflows_page()
    {
        var svg = Draw(Draft("""{"name":"parent","tasks":[{"name":"Child","type":"RunWorkflow","inputs":{"workflow":"orders import"}}]}"""));

        var link = Tasks(svg).Single().Element(Svg + "a");
        link.Should().NotBeNull();
        link!.Attribute("href")!.Value.Should().Be("/hangfire/workflows/orders%20import");
        link.Elements(Svg + "text").Last().Value.Should().Be("RunWorkflow \u2192 orders import");
    }

    [Fact]
    public void Names_and_types_are_text_never_markup()
    {
        const string Hostile = "<script>alert(1)</script>";
        var workflow = new WorkflowDefinition("x", null, [], [
            new TaskDefinition(Hostile, "<img src=x onerror=alert(2)>", [], new Dictionary<string, string>()),
            new TaskDefinition("After\"'&", "Decision", [Hostile], new Dictionary<string, string>()),
        ]);

        var text = GraphSvg.Render(Layout(workflow), statusOf: null, name => "/hangfire/workflows/" + name);

        text.Should().NotContain("<script").And.NotContain("<img").And.Contain("&lt;script&gt;");
        var svg = XElement.Parse(text);
        Tasks(svg).Select(t => (string?)t.Attribute("data-task")).Should().Equal(Hostile, "After\"'&");
        Tasks(svg).First().Elements(Svg + "text").First().Value.Should().Be("<script>alert(1)</scrip\u2026", "a long name is shortened, as text");
        Tasks(svg).First().Element(Svg + "title")!.Value.Should().StartWith(Hostile);
        svg.Descendants().Select(e => e.Name.LocalName).Should().NotContain(["script", "img", "foreignObject"]);
    }

    [Fact]
    public void On_a_job_page_each_box_takes_its_steps_status_colour()
    {
        var statuses = new Dictionary<string, StepStatus>
        {
            ["Download"] = StepStatus.Completed,
            ["Load"] = StepStatus.Failed,
            ["Archive"] = StepStatus.Running,
            ["AnyRejected"] = StepStatus.Skipped,
            ["Quarantine"] = StepStatus.Cancelled,
        };

        var svg = XElement.Parse(GraphSvg.Render(
            Layout(Sample("orders-import-checked")), name => statuses.TryGetValue(name, out var status) ? status : null, name => name));

        foreach (var box in Tasks(svg))
        {
            var status = statuses.TryGetValue((string)box.Attribute("data-task")!, out var known) ? known : StepStatus.Pending;
            box.Attribute("data-status")!.Value.Should().Be(status.ToString());
            box.Element(Svg + "rect")!.Attribute("fill")!.Value.Should().Be(StatusPalette.Of(status).Fill);
            box.Elements(Svg + "text").Last().Value.Should().EndWith(status.ToString());
        }

        StatusPalette.Of(StepStatus.Completed).Should().NotBe(StatusPalette.Of(StepStatus.Failed));
        Enum.GetValues<StepStatus>().Select(s => StatusPalette.Of(s).Fill).Should().OnlyHaveUniqueItems();
    }

    [Fact]
    public void A_workflow_of_200_tasks_draws_200_boxes_and_all_their_arrows()
    {
        var svg = Draw(GraphSamples.Wide(200, width: 10));

        Tasks(svg).Should().HaveCount(200);
        svg.Descendants(Svg + "g").Count(g => (string?)g.Attribute("class") == "dependency").Should().Be(190);
        int.Parse(svg.Attribute("width")!.Value, System.Globalization.CultureInfo.InvariantCulture).Should().BeGreaterThan(20 * GraphSvg.BoxWidth);
    }

    private static XElement Draw(WorkflowDefinition workflow) =>
        XElement.Parse(GraphSvg.Render(Layout(workflow), statusOf: null, name => "/hangfire/workflows/" + Uri.EscapeDataString(name)));

    private static List<XElement> Tasks(XElement svg) =>
        [.. svg.Descendants(Svg + "g").Where(g => (string?)g.Attribute("class") == "task")];

    private static (int X, int Y) Rect(XElement svg, string task)
    {
        var rect = Tasks(svg).Single(t => (string?)t.Attribute("data-task") == task).Descendants(Svg + "rect").Single();
        return ((int)rect.Attribute("x")!, (int)rect.Attribute("y")!);
    }
}

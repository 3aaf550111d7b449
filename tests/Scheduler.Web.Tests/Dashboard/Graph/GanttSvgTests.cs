using System.Xml.Linq;
using Scheduler.Web.Dashboard.Graph;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Tests.Dashboard.Graph;

public sealed class GanttSvgTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 10, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_step_that_ran_is_a_bar_from_its_start_to_its_end_with_its_duration()
    {
        var svg = Draw(
            new GanttRow("Download", StepStatus.Completed, Start, Start.AddSeconds(2), []),
            new GanttRow("Load", StepStatus.Completed, Start.AddSeconds(2), Start.AddSeconds(10), []));

        var download = Bar(svg, "Download");
        var load = Bar(svg, "Load");
        load.X.Should().BeApproximately(download.X + download.Width, 0.1, "Load starts when Download ends");
        load.Width.Should().BeApproximately(download.Width * 4, 0.2, "Load took four times as long");
        Step(svg, "Load").Descendants(Svg + "text").Last().Value.Should().Be("8.0 s");
        Step(svg, "Load").Attribute("data-status")!.Value.Should().Be("Completed");
    }

    [Fact]
    public void Retries_are_counted_and_marked_where_each_failed_attempt_ended()
    {
        var svg = Draw(new GanttRow("Download", StepStatus.Completed, Start, Start.AddSeconds(30), [Start.AddSeconds(5), Start.AddSeconds(15)]));

        var step = Step(svg, "Download");
        step.Attribute("data-retries")!.Value.Should().Be("2");
        step.Elements(Svg + "line").Should().HaveCount(2);
        step.Descendants(Svg + "text").Last().Value.Should().Be("30 s, 2 retries");
    }

    [Fact]
    public void A_running_step_ends_now_and_a_step_that_never_started_has_no_bar()
    {
        var now = Start.AddSeconds(4);
        var svg = XElement.Parse(GanttSvg.Render(
            [
                new GanttRow("Download", StepStatus.Running, Start, null, []),
                new GanttRow("Quarantine", StepStatus.Skipped, null, null, []),
                new GanttRow("Load", StepStatus.Pending, null, null, []),
            ],
            now));

        Step(svg, "Download").Descendants(Svg + "text").Last().Value.Should().Be("4.0 s so far");
        Step(svg, "Quarantine").Elements(Svg + "rect").Should().BeEmpty();
        Step(svg, "Quarantine").Descendants(Svg + "text").Last().Value.Should().Be("skipped");
        Step(svg, "Load").Descendants(Svg + "text").Last().Value.Should().Be("not started");
    }

    [Fact]
    public void Step_names_are_text_never_markup()
    {
        var text = GanttSvg.Render([new GanttRow("<script>alert(1)</script>", StepStatus.Failed, Start, Start.AddSeconds(1), [])], Start.AddSeconds(1));

        text.Should().NotContain("<script").And.Contain("&lt;script&gt;");
        XElement.Parse(text).Descendants(Svg + "g").Single().Attribute("data-step")!.Value.Should().Be("<script>alert(1)</script>");
    }

    private static XElement Draw(params GanttRow[] rows) => XElement.Parse(GanttSvg.Render(rows, rows.Max(r => r.End ?? Start)));

    private static XElement Step(XElement svg, string name) =>
        svg.Descendants(Svg + "g").Single(g => (string?)g.Attribute("data-step") == name);

    private static (double X, double Width) Bar(XElement svg, string name)
    {
        var rect = Step(svg, name).Element(Svg + "rect")!;
        return ((double)rect.Attribute("x")!, (double)rect.Attribute("width")!);
    }
}

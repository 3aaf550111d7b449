using System.Globalization;
using System.Text;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Runs;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard.Graph;

/// <summary>
/// Draws a <see cref="GraphLayout"/> as inline SVG: a box per task with its name and type, an arrow per dependency
/// labelled with its condition, a RunWorkflow box linking to the workflow it runs. On a job page each box takes its
/// step's status colour. Every name is HTML-encoded: task and workflow names come from documents users write.
/// </summary>
internal static class GraphSvg
{
    public const int BoxWidth = 190;
    public const int BoxHeight = 50;
    private const int ColumnGap = 100;
    private const int RowGap = 26;
    private const int Margin = 16;

    // Room above the first row for the lane of arrows that skip levels (see Arrow).
    private const int Top = 34;

    // About what fits a box in the two lines' fonts; the whole text is in the box's tooltip.
    private const int MaxNameCharacters = 24;
    private const int MaxCaptionCharacters = 30;

    /// <param name="layout">The laid-out workflow.</param>
    /// <param name="statusOf">The status of a task's step on a job page; null draws the workflow without a job.</param>
    /// <param name="linkToWorkflow">The address of a workflow's page, for RunWorkflow boxes.</param>
    public static string Render(GraphLayout layout, Func<string, StepStatus?>? statusOf, Func<string, string> linkToWorkflow)
    {
        var width = (2 * Margin) + (Math.Max(1, layout.Levels) * (BoxWidth + ColumnGap)) - ColumnGap;
        var height = Top + Margin + (Math.Max(1, layout.Rows) * (BoxHeight + RowGap)) - RowGap;
        var svg = new StringBuilder(1024 + (layout.Nodes.Count * 600));
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workflow-graph\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Task graph\" font-family=\"sans-serif\">");
        svg.Append("<defs>");
        foreach (var condition in Enum.GetValues<DependencyCondition>())
        {
            svg.Append(CultureInfo.InvariantCulture, $"<marker id=\"arrow-{Label(condition)}\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"{StatusPalette.Of(condition)}\"/></marker>");
        }

        svg.Append("</defs>");
        var nodes = layout.Nodes.ToDictionary(n => n.Name, StringComparer.OrdinalIgnoreCase);
        foreach (var edge in layout.Edges)
        {
            Arrow(svg, nodes[edge.From], nodes[edge.To], edge.Condition);
        }

        foreach (var node in layout.Nodes)
        {
            Box(svg, node, statusOf?.Invoke(node.Name), statusOf is not null, linkToWorkflow);
        }

        return svg.Append("</svg>").ToString();
    }

    public static string Label(DependencyCondition condition) => condition.ToString().ToLowerInvariant();

    /// <summary>
    /// An arrow between neighbouring levels is one curve. One that skips levels would cross the boxes between, so it
    /// climbs into the gap above the higher of its two rows, runs along it past those boxes, and comes down into its
    /// task; its label sits on that lane, just before the task it leads to.
    /// </summary>
    private static void Arrow(StringBuilder svg, GraphNode from, GraphNode to, DependencyCondition condition)
    {
        var (x1, y1) = (X(from) + BoxWidth, Y(from) + (BoxHeight / 2));
        var (x2, y2) = (X(to), Y(to) + (BoxHeight / 2));
        var colour = StatusPalette.Of(condition);
        var label = Label(condition);
        string path;
        (int X, int Y) labelAt;
        if (to.Level - from.Level > 1)
        {
            var lane = Y(from.Row < to.Row ? from : to) - (RowGap / 2);
            var (turn1, turn2) = (x1 + (ColumnGap / 2), x2 - (ColumnGap / 2));
            path = FormattableString.Invariant($"M{x1},{y1} C{turn1},{y1} {x1},{lane} {turn1},{lane} L{turn2},{lane} C{x2},{lane} {turn2},{y2} {x2},{y2}");
            labelAt = (turn2 - 34, lane - 3);
        }
        else
        {
            var bend = Math.Max(30, Math.Abs(x2 - x1) / 2);
            path = FormattableString.Invariant($"M{x1},{y1} C{x1 + bend},{y1} {x2 - bend},{y2} {x2},{y2}");
            labelAt = ((x1 + x2) / 2, ((y1 + y2) / 2) - 4);
        }

        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"dependency\" data-from=\"{E(from.Name)}\" data-to=\"{E(to.Name)}\" data-condition=\"{label}\">")
            .Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{colour}\" stroke-width=\"1.5\"")
            .Append(condition == DependencyCondition.Finished ? " stroke-dasharray=\"5,3\"" : "")
            .Append(CultureInfo.InvariantCulture, $" marker-end=\"url(#arrow-{label})\"/>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"dependency-label\" x=\"{labelAt.X}\" y=\"{labelAt.Y}\" text-anchor=\"middle\" font-size=\"11\" fill=\"{colour}\" stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">{label}</text>")
            .Append("</g>");
    }

    private static void Box(StringBuilder svg, GraphNode node, StepStatus? status, bool onJobPage, Func<string, string> linkToWorkflow)
    {
        var (x, y) = (X(node), Y(node));
        var (fill, stroke) = StatusPalette.Of(onJobPage ? status ?? StepStatus.Pending : null);
        var type = node.ChildWorkflow is { } child ? $"{node.Type} \u2192 {child}" : node.Type;
        var caption = onJobPage ? $"{type} \u00b7 {status ?? StepStatus.Pending}" : type;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"task\" data-task=\"{E(node.Name)}\" data-type=\"{E(node.Type)}\" data-level=\"{node.Level}\"");
        if (onJobPage)
        {
            svg.Append(CultureInfo.InvariantCulture, $" data-status=\"{status ?? StepStatus.Pending}\"");
        }

        svg.Append('>');
        if (node.ChildWorkflow is { } linked)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<a class=\"child-workflow\" href=\"{E(linkToWorkflow(linked))}\">");
        }

        svg.Append(CultureInfo.InvariantCulture, $"<title>{E(node.Name)} ({E(caption)})</title>")
            .Append(CultureInfo.InvariantCulture, $"<rect x=\"{x}\" y=\"{y}\" width=\"{BoxWidth}\" height=\"{BoxHeight}\" rx=\"6\" fill=\"{fill}\" stroke=\"{stroke}\" stroke-width=\"{(node.Type.Equals("Decision", StringComparison.OrdinalIgnoreCase) ? 2.5 : 1.5).ToString(CultureInfo.InvariantCulture)}\"")
            .Append(status == StepStatus.Skipped ? " stroke-dasharray=\"4,3\"" : "")
            .Append("/>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"task-name\" x=\"{x + 10}\" y=\"{y + 21}\" font-size=\"13\" font-weight=\"bold\" fill=\"#333333\">{E(Shorten(node.Name, MaxNameCharacters))}</text>")
            .Append(CultureInfo.InvariantCulture, $"<text class=\"task-type\" x=\"{x + 10}\" y=\"{y + 39}\" font-size=\"11\" fill=\"#666666\">{E(Shorten(caption, MaxCaptionCharacters))}</text>");
        if (node.ChildWorkflow is not null)
        {
            svg.Append("</a>");
        }

        svg.Append("</g>");
    }

    private static int X(GraphNode node) => Margin + (node.Level * (BoxWidth + ColumnGap));

    private static int Y(GraphNode node) => Top + (node.Row * (BoxHeight + RowGap));
}

using System.Globalization;
using System.Text;
using Scheduler.Workflows.Runs;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard.Graph;

/// <summary>One step on the timeline: when it started and ended (a running step ends now) and when its failed attempts ended.</summary>
internal sealed record GanttRow(string Name, StepStatus Status, DateTimeOffset? Start, DateTimeOffset? End, IReadOnlyList<DateTimeOffset> FailedAttempts);

/// <summary>
/// A job's steps on one time axis, as inline SVG: a bar per step from its start to its end in its status colour, its
/// duration and retries next to it, a red tick where an attempt failed and the next one began. Steps that never
/// started (skipped, cancelled before their turn, still waiting) get a row without a bar, so the rows match the graph.
/// </summary>
internal static class GanttSvg
{
    private const int LabelWidth = 170;
    private const int ChartWidth = 560;
    private const int NoteWidth = 170;
    private const int RowHeight = 24;
    private const int Top = 26;
    private const int MaxNameCharacters = 26;

    private static readonly int[] RoundSteps = [1, 2, 5, 10];

    public static string Render(IReadOnlyList<GanttRow> rows, DateTimeOffset now)
    {
        var started = rows.Where(r => r.Start is not null).ToList();
        var origin = started.Count > 0 ? started.Min(r => r.Start!.Value) : now;
        var end = started.Count > 0 ? started.Max(r => r.End ?? now) : now;
        var span = Math.Max(0.001, (end - origin).TotalSeconds);
        var width = LabelWidth + ChartWidth + NoteWidth;
        var height = Top + (Math.Max(1, rows.Count) * RowHeight) + 8;
        var svg = new StringBuilder(1024 + (rows.Count * 500));
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"workflow-gantt\" width=\"{width}\" height=\"{height}\" viewBox=\"0 0 {width} {height}\" role=\"img\" aria-label=\"Timeline of the steps\" font-family=\"sans-serif\" font-size=\"12\">");
        var step = TickStep(span);
        for (var tick = 0.0; tick <= span + (step / 1000); tick += step)
        {
            var x = LabelWidth + (ChartWidth * tick / span);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{N(x)}\" y1=\"{Top - 6}\" x2=\"{N(x)}\" y2=\"{height - 4}\" stroke=\"#e5e5e5\"/>")
                .Append(CultureInfo.InvariantCulture, $"<text class=\"gantt-tick\" x=\"{N(x)}\" y=\"{Top - 10}\" text-anchor=\"middle\" fill=\"#777777\">{Seconds(tick)}</text>");
        }

        for (var i = 0; i < rows.Count; i++)
        {
            Row(svg, rows[i], Top + (i * RowHeight), origin, span, now);
        }

        return svg.Append("</svg>").ToString();
    }

    private static void Row(StringBuilder svg, GanttRow row, int y, DateTimeOffset origin, double span, DateTimeOffset now)
    {
        var (fill, stroke) = StatusPalette.Of(row.Status);
        var retries = row.FailedAttempts.Count;
        svg.Append(CultureInfo.InvariantCulture, $"<g class=\"gantt-step\" data-step=\"{E(row.Name)}\" data-status=\"{row.Status}\" data-retries=\"{retries}\">")
            .Append(CultureInfo.InvariantCulture, $"<title>{E(row.Name)}: {row.Status}</title>")
            .Append(CultureInfo.InvariantCulture, $"<text x=\"6\" y=\"{y + 16}\" fill=\"#333333\">{E(Shorten(row.Name, MaxNameCharacters))}</text>");
        if (row.Start is { } start)
        {
            var finish = row.End ?? now;
            var x = LabelWidth + (ChartWidth * Math.Max(0, (start - origin).TotalSeconds) / span);
            var barWidth = Math.Max(2, ChartWidth * Math.Max(0, (finish - start).TotalSeconds) / span);
            svg.Append(CultureInfo.InvariantCulture, $"<rect class=\"gantt-bar\" x=\"{N(x)}\" y=\"{y + 4}\" width=\"{N(barWidth)}\" height=\"{RowHeight - 8}\" rx=\"3\" fill=\"{fill}\" stroke=\"{stroke}\"/>");
            foreach (var failed in row.FailedAttempts)
            {
                var tick = LabelWidth + (ChartWidth * Math.Clamp((failed - origin).TotalSeconds, 0, span) / span);
                svg.Append(CultureInfo.InvariantCulture, $"<line class=\"gantt-retry\" x1=\"{N(tick)}\" y1=\"{y + 2}\" x2=\"{N(tick)}\" y2=\"{y + RowHeight - 2}\" stroke=\"#a94442\" stroke-width=\"2\"/>");
            }

            var note = Seconds((finish - start).TotalSeconds) + (row.End is null ? " so far" : "") + retries switch
            {
                0 => "",
                1 => ", 1 retry",
                _ => $", {retries} retries",
            };
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"gantt-note\" x=\"{N(Math.Min(x + barWidth + 6, LabelWidth + ChartWidth + 6))}\" y=\"{y + 16}\" fill=\"#555555\">{E(note)}</text>");
        }
        else
        {
            svg.Append(CultureInfo.InvariantCulture, $"<text class=\"gantt-note\" x=\"{LabelWidth + 6}\" y=\"{y + 16}\" fill=\"#777777\">{E(row.Status == StepStatus.Pending ? "not started" : row.Status.ToString().ToLowerInvariant())}</text>");
        }

        svg.Append("</g>");
    }

    /// <summary>A round step (1, 2 or 5 times a power of ten) that puts three to five ticks on the axis.</summary>
    private static double TickStep(double span)
    {
        var rough = span / 4;
        var power = Math.Pow(10, Math.Floor(Math.Log10(rough)));
        return RoundSteps.Select(m => m * power).First(step => step >= rough);
    }

    private static string Seconds(double seconds) => seconds < 60
        ? seconds.ToString(seconds < 10 ? "0.0## 's'" : "0.# 's'", CultureInfo.InvariantCulture)
        : TimeSpan.FromSeconds(seconds).ToString(seconds < 3600 ? @"m\:ss" : @"h\:mm\:ss", CultureInfo.InvariantCulture);

    private static string N(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}

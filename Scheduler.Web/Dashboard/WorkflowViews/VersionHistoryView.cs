using System.Globalization;
using System.Text;
using Scheduler.Workflows.Definitions;
using static Scheduler.Web.Dashboard.Graph.SvgText;

namespace Scheduler.Web.Dashboard.WorkflowViews;

/// <summary>
/// A workflow's versions, newest first, and a line diff of two of them (<c>?from=1&amp;to=3</c>; by default the last
/// change) of their indented JSON with secret defaults masked. Every line is HTML-encoded.
/// </summary>
internal static class VersionHistoryView
{
    // Unchanged lines shown around each change; longer unchanged stretches are folded.
    private const int Context = 3;

    public static async Task<string> RenderAsync(
        IDefinitionStore store, string name, IReadOnlyList<StoredDefinition> history, string? from, string? to, CancellationToken cancellationToken)
    {
        var html = new StringBuilder("<h3 id=\"workflow-versions\">Versions</h3>");
        html.Append("<div class=\"table-responsive\"><table class=\"table table-condensed workflow-history\"><thead><tr>")
            .Append("<th>Version</th><th>Saved (UTC)</th><th>By</th><th></th></tr></thead><tbody>");
        var live = history.Where(v => !v.IsDeleted).Select(v => v.Version).ToList();
        foreach (var version in history)
        {
            var previous = live.Where(v => v < version.Version).DefaultIfEmpty(0).Max();
            html.Append(CultureInfo.InvariantCulture, $"<tr class=\"workflow-history-version\" data-version=\"{version.Version}\"><td>{version.Version}</td>")
                .Append(CultureInfo.InvariantCulture, $"<td>{WorkflowStepsRenderer.Time(version.CreatedAt)}</td><td>{E(version.CreatedBy ?? "")}</td><td>")
                .Append(version.IsDeleted ? "deleted" : previous > 0 ? $"<a href=\"?from={previous}&amp;to={version.Version}\">changes from version {previous}</a>" : "first version")
                .Append("</td></tr>");
        }

        html.Append("</tbody></table></div>");
        if (live.Count < 2)
        {
            return html.ToString();
        }

        var problems = new List<string>();
        var older = Version(from, "from", live[1], problems);
        var newer = Version(to, "to", live[0], problems);
        html.Append(CompareForm(live, older, newer));
        if (problems.Count > 0)
        {
            return html.Append(CultureInfo.InvariantCulture, $"<div class=\"alert alert-warning workflow-diff-problem\">{E(string.Join("; ", problems))}</div>").ToString();
        }

        var (a, b) = (await store.FindAsync(DefinitionKind.Workflow, name, older, cancellationToken), await store.FindAsync(DefinitionKind.Workflow, name, newer, cancellationToken));
        if (a?.Document is not { } olderDocument || b?.Document is not { } newerDocument)
        {
            var missing = a?.Document is null ? older : newer;
            return html.Append(CultureInfo.InvariantCulture, $"<div class=\"alert alert-warning workflow-diff-problem\">There is no stored document for version {missing}.</div>").ToString();
        }

        html.Append(CultureInfo.InvariantCulture, $"<h4 id=\"workflow-diff-title\">Changes from version {older} to version {newer}</h4>");
        return LineDiff.Compare(ReadableDefinition.Lines(olderDocument), ReadableDefinition.Lines(newerDocument)) is { } diff
            ? html.Append(Diff(diff)).ToString()
            : html.Append(CultureInfo.InvariantCulture, $"<div class=\"alert alert-info workflow-diff-problem\">More than {LineDiff.MaxChangedLines} lines changed between these versions, too many to compare here; read each version with GET /api/workflows/{E(Uri.EscapeDataString(name))}?version=N.</div>").ToString();
    }

    /// <summary>The diff as a block of lines, unchanged stretches folded to their first and last <see cref="Context"/> lines.</summary>
    internal static string Diff(IReadOnlyList<DiffLine> lines)
    {
        if (lines.All(l => l.Kind == DiffKind.Same))
        {
            return "<p class=\"workflow-diff-same\">The two versions are the same.</p>";
        }

        var near = new bool[lines.Count];
        for (var i = 0; i < lines.Count; i++)
        {
            if (lines[i].Kind != DiffKind.Same)
            {
                for (var j = Math.Max(0, i - Context); j <= Math.Min(lines.Count - 1, i + Context); j++)
                {
                    near[j] = true;
                }
            }
        }

        var html = new StringBuilder("<pre class=\"workflow-diff\">");
        for (var i = 0; i < lines.Count;)
        {
            if (!near[i])
            {
                var start = i;
                while (i < lines.Count && !near[i])
                {
                    i++;
                }

                html.Append(CultureInfo.InvariantCulture, $"<span class=\"diff-skipped\">\u2026 {i - start} unchanged line(s)</span>");
                continue;
            }

            var (kind, sign) = lines[i].Kind switch
            {
                DiffKind.Added => ("diff-added", "+ "),
                DiffKind.Removed => ("diff-removed", "- "),
                _ => ("diff-same", "  "),
            };
            html.Append(CultureInfo.InvariantCulture, $"<span class=\"{kind}\">{sign}{E(lines[i].Text)}</span>");
            i++;
        }

        return html.Append("</pre>").ToString();
    }

    private static string CompareForm(IReadOnlyList<int> live, int older, int newer)
    {
        string Options(int selected) => string.Concat(live.Select(v => $"<option value=\"{v}\"{(v == selected ? " selected" : "")}>{v}</option>"));
        return $"<form method=\"get\" class=\"form-inline workflow-compare\"><label>From version <select name=\"from\" class=\"form-control input-sm\">{Options(older)}</select></label> "
            + $"<label>to version <select name=\"to\" class=\"form-control input-sm\">{Options(newer)}</select></label> "
            + "<button type=\"submit\" class=\"btn btn-default btn-sm\">Compare</button></form>";
    }

    private static int Version(string? text, string field, int fallback, List<string> problems)
    {
        if (string.IsNullOrEmpty(text))
        {
            return fallback;
        }

        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var version) && version > 0)
        {
            return version;
        }

        problems.Add($"'{field}' must be a version number, not '{(text.Length > 20 ? text[..20] + "\u2026" : text)}'");
        return fallback;
    }
}

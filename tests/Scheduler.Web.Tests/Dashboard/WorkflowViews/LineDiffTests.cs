using Scheduler.Web.Dashboard.WorkflowViews;

namespace Scheduler.Web.Tests.Dashboard.WorkflowViews;

public sealed class LineDiffTests
{
    [Fact]
    public void A_changed_line_is_removed_then_added_between_the_unchanged_ones()
    {
        var diff = LineDiff.Compare(["{", "  \"a\": 1,", "  \"b\": 2", "}"], ["{", "  \"a\": 1,", "  \"b\": 3,", "  \"c\": 4", "}"]);

        diff!.Select(l => (l.Kind, l.Text)).Should().Equal(
            (DiffKind.Same, "{"),
            (DiffKind.Same, "  \"a\": 1,"),
            (DiffKind.Removed, "  \"b\": 2"),
            (DiffKind.Added, "  \"b\": 3,"),
            (DiffKind.Added, "  \"c\": 4"),
            (DiffKind.Same, "}"));
    }

    [Fact]
    public void Lines_kept_in_the_middle_of_a_change_stay_unchanged()
    {
        var diff = LineDiff.Compare(["a", "x", "b", "y", "c"], ["a", "b", "z", "c"]);

        diff!.Select(l => (l.Kind, l.Text)).Should().Equal(
            (DiffKind.Same, "a"), (DiffKind.Removed, "x"), (DiffKind.Same, "b"), (DiffKind.Removed, "y"), (DiffKind.Added, "z"), (DiffKind.Same, "c"));
    }

    [Fact]
    public void A_change_of_up_to_the_limit_of_lines_is_compared_and_a_larger_one_is_refused()
    {
        var older = Enumerable.Range(0, LineDiff.MaxChangedLines).Select(i => $"old {i}").Prepend("same").Append("end").ToList();
        var newer = Enumerable.Range(0, LineDiff.MaxChangedLines).Select(i => $"new {i}").Prepend("same").Append("end").ToList();

        LineDiff.Compare(older, newer).Should().HaveCount((2 * LineDiff.MaxChangedLines) + 2);
        LineDiff.Compare([.. older.SkipLast(1), "one more", "end"], newer).Should().BeNull();
    }

    [Fact]
    public void Unchanged_stretches_are_folded_and_every_line_is_encoded()
    {
        var older = Enumerable.Range(0, 20).Select(i => $"line {i}").ToList();
        var newer = older.Select(l => l == "line 10" ? "<script>alert(1)</script>" : l).ToList();

        var html = VersionHistoryView.Diff(LineDiff.Compare(older, newer)!);

        html.Should().Contain("<span class=\"diff-removed\">- line 10</span><span class=\"diff-added\">+ &lt;script&gt;alert(1)&lt;/script&gt;</span>")
            .And.Contain("\u2026 7 unchanged line(s)")
            .And.Contain("<span class=\"diff-same\">  line 7</span>")
            .And.NotContain("line 6<")
            .And.NotContain("<script>");
    }
}

using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>The one containment check every local path goes through, with real symbolic links.</summary>
public sealed class LocalFolderTests : IDisposable
{
    private readonly TempFolder _temp = new();
    private readonly string _root;
    private readonly string _sibling;

    public LocalFolderTests()
    {
        _root = Path.Combine(_temp.Path, "root");
        _sibling = Path.Combine(_temp.Path, "sibling");
        Directory.CreateDirectory(Path.Combine(_root, "in"));
        Directory.CreateDirectory(_sibling);
        File.WriteAllText(Path.Combine(_sibling, "secret.txt"), "not the root's");
        File.WriteAllText(Path.Combine(_root, "in", "orders.csv"), "id\n1\n");
    }

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("in/orders.csv")]
    [InlineData("in/new/file.csv")]
    [InlineData("./in/../in/orders.csv")]
    public void A_path_under_the_folder_is_its_full_path(string path)
    {
        LocalFolder.PathInside(_root, path).Should().Be(Path.GetFullPath(path, _root));
    }

    [Theory]
    [InlineData("../sibling/secret.txt")]
    [InlineData("in/../../sibling/secret.txt")]
    [InlineData("/etc/passwd")]
    [InlineData("")]
    [InlineData(".")]
    public void A_path_that_leaves_the_folder_by_its_text_or_names_the_folder_itself_is_refused(string path)
    {
        LocalFolder.PathInside(_root, path).Should().BeNull();
    }

    [Fact]
    public void A_link_to_etc_is_refused_for_the_link_and_everything_under_it()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "in", "passwd"), "/etc/passwd");

        LocalFolder.PathInside(_root, "etc").Should().BeNull();
        LocalFolder.PathInside(_root, "etc/passwd").Should().BeNull();
        LocalFolder.PathInside(_root, "in/passwd").Should().BeNull();
        LocalFolder.PathInside(_root, "etc/not-yet-written.csv").Should().BeNull("a new file is checked under its nearest existing parent");
    }

    [Fact]
    public void A_relative_link_to_a_sibling_folder_is_refused_and_one_that_stays_inside_is_followed()
    {
        Directory.CreateSymbolicLink(Path.Combine(_root, "out"), Path.Combine("..", "sibling"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "current"), "in");

        LocalFolder.PathInside(_root, "out/secret.txt").Should().BeNull();
        LocalFolder.PathInside(_root, "current/orders.csv").Should().Be(Path.Combine(_root, "current", "orders.csv"));
    }

    [Fact]
    public void A_linked_folder_in_the_middle_of_a_path_is_followed_before_a_later_dot_dot()
    {
        // deep -> sibling/a/b: "deep/../x" is sibling/a/x for the file system, though its text stays in the root.
        Directory.CreateDirectory(Path.Combine(_sibling, "a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "in", "deep"), Path.Combine(_sibling, "a", "b"));
        Directory.CreateSymbolicLink(Path.Combine(_root, "trick"), Path.Combine("in", "deep", ".."));

        LocalFolder.PathInside(_root, "in/deep/file.csv").Should().BeNull();
        LocalFolder.PathInside(_root, "trick/file.csv").Should().BeNull();
    }

    [Fact]
    public void A_loop_of_links_is_refused()
    {
        File.CreateSymbolicLink(Path.Combine(_root, "a"), Path.Combine(_root, "b"));
        File.CreateSymbolicLink(Path.Combine(_root, "b"), Path.Combine(_root, "a"));

        LocalFolder.PathInside(_root, "a/file.csv").Should().BeNull();
    }

    [Fact]
    public void A_folder_reached_through_a_link_contains_its_own_files()
    {
        var linkedRoot = Path.Combine(_temp.Path, "linked-root");
        Directory.CreateSymbolicLink(linkedRoot, _root);

        LocalFolder.PathInside(linkedRoot, "in/orders.csv").Should().Be(Path.Combine(linkedRoot, "in", "orders.csv"));
        LocalFolder.PathInside(linkedRoot, "../sibling/secret.txt").Should().BeNull();
    }
}

using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>The FileSystem task on real folders: the job's folder, a Local connection, and the paths that must not get out.</summary>
public sealed class FileSystemTaskTests : IDisposable
{
    private readonly TempFolder _job = new();
    private readonly TempFolder _archive = new();
    private readonly FileSystemTask _task;

    public FileSystemTaskTests()
    {
        _task = new FileSystemTask(
            new ConnectionCatalog(new Dictionary<string, ConnectionSettings>
            {
                ["Archive"] = new() { Type = "Local", Path = _archive.Path },
                ["Partner"] = TransferServers.SftpSettings(),
            }),
            new RemoteFilesFactory());
    }

    public void Dispose()
    {
        _job.Dispose();
        _archive.Dispose();
    }

    [Fact]
    public void An_unknown_action_and_a_pattern_as_target_are_refused_with_the_supported_actions()
    {
        _task.Validate(Inputs(("action", "Rename"))).Should().Equal(
            "the action 'Rename' is not supported; supported: Copy, Move, Delete, CreateFolder");
        _task.Validate(Inputs(("action", "Copy"), ("path", "*.csv"), ("target", "out/*.csv"))).Should().Equal(
            "the input 'target': it names one file or folder, not a pattern");
        _task.Validate(Inputs(("action", "Delete"), ("path", "*.csv"), ("target", "out"))).Should().Equal(
            "the action 'Delete' does not use the input 'target'");
    }

    [Fact]
    public void Copy_or_Move_without_a_target_is_refused_in_the_workflow()
    {
        var move = Context(new Dictionary<string, string> { ["action"] = "Move", ["path"] = "a.csv" });
        var copy = Context(new Dictionary<string, string> { ["action"] = "Copy", ["path"] = "a.csv", ["target"] = "${Variables.target}" });

        _task.ValidateInWorkflow(move).Should().Equal("the action 'Move' needs the input 'target'");
        _task.ValidateInWorkflow(copy).Should().BeEmpty("a reference counts as a value");
    }

    [Fact]
    public async Task Copy_of_one_file_to_a_new_path_keeps_the_source_and_creates_the_folders()
    {
        Write(_job.Path, "downloads/orders.csv", "id\n1\n");

        var result = await Run(("action", "Copy"), ("path", "downloads/orders.csv"), ("target", "work/today/orders-copy.csv"));

        Strings(result["files"]).Should().Equal(Path.Combine(_job.Path, "work", "today", "orders-copy.csv"));
        result["count"].Should().Be(1L);
        _job.Files().Should().Equal(Path.Combine("downloads", "orders.csv"), Path.Combine("work", "today", "orders-copy.csv"));
        (await File.ReadAllTextAsync(Path.Combine(_job.Path, "work", "today", "orders-copy.csv"))).Should().Be("id\n1\n");
    }

    [Fact]
    public async Task Move_of_a_wildcard_to_a_Local_connection_takes_only_the_matches()
    {
        Write(_job.Path, "downloads/a.csv", "a");
        Write(_job.Path, "downloads/b.csv", "b");
        Write(_job.Path, "downloads/notes.txt", "n");

        var result = await Run(("action", "Move"), ("path", "downloads/*.csv"), ("target", "2026/12"), ("targetConnection", "Archive"));

        Strings(result["files"]).Should().Equal(Path.Combine(_archive.Path, "2026", "12", "a.csv"), Path.Combine(_archive.Path, "2026", "12", "b.csv"));
        result["count"].Should().Be(2L);
        _archive.Files().Should().Equal(Path.Combine("2026", "12", "a.csv"), Path.Combine("2026", "12", "b.csv"));
        _job.Files().Should().Equal(Path.Combine("downloads", "notes.txt"));
    }

    [Fact]
    public async Task A_single_file_moved_onto_an_existing_folder_goes_inside_it()
    {
        Write(_archive.Path, "in/orders.csv", "x");
        Directory.CreateDirectory(Path.Combine(_archive.Path, "done"));

        var result = await Run(("action", "Move"), ("connection", "Archive"), ("path", "in/orders.csv"), ("target", "done"));

        Strings(result["files"]).Should().Equal(Path.Combine(_archive.Path, "done", "orders.csv"));
        _archive.Files().Should().Equal(Path.Combine("done", "orders.csv"));
    }

    [Fact]
    public async Task Delete_removes_the_matches_and_a_pattern_that_matches_nothing_counts_zero()
    {
        Write(_archive.Path, "out/a.csv", "a");
        Write(_archive.Path, "out/b.txt", "b");

        var deleted = await Run(("action", "Delete"), ("connection", "Archive"), ("path", "out/*.csv"));
        var none = await Run(("action", "Delete"), ("connection", "Archive"), ("path", "out/*.csv"));

        Strings(deleted["files"]).Should().Equal(Path.Combine(_archive.Path, "out", "a.csv"));
        none["count"].Should().Be(0L);
        Strings(none["files"]).Should().BeEmpty();
        _archive.Files().Should().Equal(Path.Combine("out", "b.txt"));
    }

    [Fact]
    public async Task A_missing_file_without_a_pattern_fails_and_names_it()
    {
        var missing = () => Run(("action", "Delete"), ("path", "downloads/gone.csv"));

        (await missing.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should()
            .Be("the file 'downloads/gone.csv' does not exist in the job's folder (a folder is not a file)");
    }

    [Fact]
    public async Task CreateFolder_makes_nested_folders_and_accepts_one_that_exists()
    {
        var first = await Run(("action", "CreateFolder"), ("connection", "Archive"), ("path", "2026/12/01"));
        var again = await Run(("action", "CreateFolder"), ("connection", "Archive"), ("path", "2026/12/01"));

        Directory.Exists(Path.Combine(_archive.Path, "2026", "12", "01")).Should().BeTrue();
        Strings(first["files"]).Should().Equal(Path.Combine(_archive.Path, "2026", "12", "01"));
        again["count"].Should().Be(1L);
    }

    [Fact]
    public async Task Overwrite_false_refuses_an_existing_target_and_touches_no_file_of_the_batch()
    {
        Write(_job.Path, "downloads/a.csv", "new a");
        Write(_job.Path, "downloads/b.csv", "new b");
        Write(_archive.Path, "b.csv", "old b");

        var refused = () => Run(("action", "Move"), ("path", "downloads/*.csv"), ("target", "."), ("targetConnection", "Archive"));

        (await refused.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should()
            .StartWith($"the target already exists: {Path.Combine(_archive.Path, "b.csv")}; nothing was copied or moved");
        _archive.Files().Should().Equal("b.csv");
        _job.Files().Should().HaveCount(2);
    }

    [Fact]
    public async Task Overwrite_true_replaces_an_existing_target()
    {
        Write(_job.Path, "report.csv", "new");
        Write(_archive.Path, "report.csv", "old");

        await Run(("action", "Copy"), ("path", "report.csv"), ("target", "report.csv"), ("targetConnection", "Archive"), ("overwrite", true));

        (await File.ReadAllTextAsync(Path.Combine(_archive.Path, "report.csv"))).Should().Be("new");
    }

    [Theory]
    [InlineData("../../../../../../etc/passwd")]
    [InlineData("/etc/passwd")]
    [InlineData("etc-link/passwd")]
    [InlineData("etc-link/*")]
    public async Task A_source_outside_the_root_is_refused_whether_by_dots_an_absolute_path_or_a_symbolic_link(string path)
    {
        Directory.CreateSymbolicLink(Path.Combine(_archive.Path, "etc-link"), "/etc");

        var copy = () => Run(("action", "Copy"), ("connection", "Archive"), ("path", path), ("target", "stolen"));

        (await copy.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("is outside the connection 'Archive'");
        Directory.EnumerateFileSystemEntries(_archive.Path).Should().Equal(Path.Combine(_archive.Path, "etc-link"));
    }

    [Theory]
    [InlineData("../escaped.csv")]
    [InlineData("/tmp/escaped.csv")]
    [InlineData("etc-link/escaped.csv")]
    public async Task A_target_outside_the_root_is_refused_and_nothing_is_written(string target)
    {
        Directory.CreateSymbolicLink(Path.Combine(_archive.Path, "etc-link"), "/etc");
        Write(_job.Path, "a.csv", "a");

        var copy = () => Run(("action", "Copy"), ("path", "a.csv"), ("target", target), ("targetConnection", "Archive"));

        (await copy.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("is outside the connection 'Archive'");
        File.Exists(Path.Combine(Path.GetDirectoryName(_archive.Path)!, "escaped.csv")).Should().BeFalse();
        File.Exists("/tmp/escaped.csv").Should().BeFalse();
    }

    [Fact]
    public async Task A_symbolic_link_into_a_matched_target_folder_cannot_redirect_a_file_out()
    {
        Write(_job.Path, "downloads/passwd", "not yours");
        Directory.CreateDirectory(Path.Combine(_archive.Path, "done"));
        File.CreateSymbolicLink(Path.Combine(_archive.Path, "done", "passwd"), "/etc/passwd");

        var move = () => Run(("action", "Move"), ("path", "downloads/*"), ("target", "done"), ("targetConnection", "Archive"), ("overwrite", true));

        (await move.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("is outside the connection 'Archive'");
        File.Exists(Path.Combine(_job.Path, "downloads", "passwd")).Should().BeTrue();
    }

    [Fact]
    public async Task Without_a_connection_the_job_folder_is_the_root_and_an_absolute_path_inside_it_is_accepted()
    {
        Write(_job.Path, "downloads/orders.csv", "x");

        var moved = await Run(("action", "Move"), ("path", Path.Combine(_job.Path, "downloads", "orders.csv")), ("target", "processed/orders.csv"));
        var outside = () => Run(("action", "Copy"), ("path", "processed/orders.csv"), ("target", _archive.Path));

        Strings(moved["files"]).Should().Equal(Path.Combine(_job.Path, "processed", "orders.csv"));
        (await outside.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("is outside the job's folder");
        _archive.Files().Should().BeEmpty();
    }

    [Fact]
    public async Task In_a_child_workflow_relative_paths_start_at_its_folder_and_reach_the_parents_files()
    {
        Write(_job.Path, "downloads/a.csv", "a");
        var child = Path.Combine(_job.Path, "RunWorkflow1");
        Directory.CreateDirectory(child);
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["action"] = "Copy", ["path"] = "../downloads/a.csv", ["target"] = "copy.csv" };

        var result = await _task.RunAsync(new TaskRunContext("1", "Files1", child, inputs, NullLogger.Instance) { JobFolder = _job.Path }, CancellationToken.None);

        Strings(result["files"]).Should().Equal(Path.Combine(child, "copy.csv"));
        File.Exists(Path.Combine(_job.Path, "downloads", "a.csv")).Should().BeTrue();
    }

    [Fact]
    public async Task A_connection_that_is_not_Local_is_refused()
    {
        var delete = () => Run(("action", "Delete"), ("connection", "Partner"), ("path", "a.csv"));

        (await delete.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("FileSystem works on Local connections only");
    }

    private static void Write(string root, string relative, string text)
    {
        var path = Path.Combine(root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private static IReadOnlyList<string> Strings(object? value) => value.Should().BeAssignableTo<IReadOnlyList<string>>().Subject;

    private static Dictionary<string, string> Inputs(params (string Name, string Value)[] inputs) =>
        inputs.ToDictionary(i => i.Name, i => i.Value, StringComparer.OrdinalIgnoreCase);

    private static TaskValidationContext Context(Dictionary<string, string> inputs)
    {
        var task = new TaskDefinition("Files1", "FileSystem", [], inputs);
        var workflow = new WorkflowDefinition("w", null, [], [task]);
        var literal = inputs.Where(i => !i.Value.Contains("${", StringComparison.Ordinal)).ToDictionary(StringComparer.OrdinalIgnoreCase);
        return new TaskValidationContext(workflow, task, literal, new Dictionary<string, ScalarType>(), _ => null);
    }

    private async Task<IReadOnlyDictionary<string, object?>> Run(params (string Name, object Value)[] inputs) =>
        await _task.RunAsync(
            new TaskRunContext("1", "Files1", _job.Path, inputs.ToDictionary(i => i.Name, i => (object?)i.Value, StringComparer.OrdinalIgnoreCase), NullLogger.Instance),
            CancellationToken.None);
}

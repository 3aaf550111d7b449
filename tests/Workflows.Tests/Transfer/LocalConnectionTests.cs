using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Tasks;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class LocalConnectionTests : IDisposable
{
    private readonly TempFolder _outside = new();
    private readonly TempFolder _local = new();
    private readonly string _root;

    public LocalConnectionTests()
    {
        _root = Path.Combine(_outside.Path, "root");
        Directory.CreateDirectory(Path.Combine(_root, "in"));
        File.WriteAllText(Path.Combine(_root, "in", "orders.csv"), "id;amount\n1;10\n");
        File.WriteAllText(Path.Combine(_outside.Path, "secret.txt"), "outside the root");
    }

    public void Dispose()
    {
        _outside.Dispose();
        _local.Dispose();
    }

    [Fact]
    public async Task Local_connection_downloads_a_file_relative_to_its_root()
    {
        await using var files = await Connect();

        var downloaded = await RemoteFileDownloader.DownloadAsync(files, "in/orders.csv", _local.Path, CancellationToken.None);

        (await File.ReadAllTextAsync(downloaded.LocalPath)).Should().Be("id;amount\n1;10\n");
        downloaded.Size.Should().Be(15);
        files.Description.Should().StartWith("file://").And.Contain("root");
    }

    [Fact]
    public async Task Local_connection_reads_a_leading_slash_from_its_root_and_an_offset()
    {
        await using var files = await Connect();
        using var tail = new MemoryStream();

        await files.DownloadAsync("/in/orders.csv", tail, offset: 10, CancellationToken.None);

        Encoding.UTF8.GetString(tail.ToArray()).Should().Be("1;10\n");
    }

    [Theory]
    [InlineData("../secret.txt")]
    [InlineData("in/../../secret.txt")]
    [InlineData("..\\secret.txt")]
    public async Task Local_connection_refuses_paths_that_escape_its_root(string remotePath)
    {
        await using var files = await Connect();
        using var sink = new MemoryStream();

        var size = () => files.GetSizeAsync(remotePath, CancellationToken.None);
        var download = () => files.DownloadAsync(remotePath, sink, 0, CancellationToken.None);

        await size.Should().ThrowAsync<RemotePathRejectedException>().WithMessage("*'..'*");
        await download.Should().ThrowAsync<RemotePathRejectedException>();
        sink.Length.Should().Be(0);
    }

    [Fact]
    public async Task Local_connection_does_not_read_an_absolute_path_outside_its_root()
    {
        await using var files = await Connect();

        var size = () => files.GetSizeAsync(Path.Combine(_outside.Path, "secret.txt"), CancellationToken.None);

        await size.Should().ThrowAsync<RemoteFileNotFoundException>("a leading / is read from the root folder");
    }

    [Fact]
    public async Task Local_connection_reports_a_missing_file_by_its_path_and_leaves_no_local_file()
    {
        await using var files = await Connect();

        var download = () => RemoteFileDownloader.DownloadAsync(files, "in/missing.csv", _local.Path, CancellationToken.None);

        (await download.Should().ThrowAsync<RemoteFileNotFoundException>()).Which.Message.Should().Contain("in/missing.csv");
        Directory.EnumerateFileSystemEntries(_local.Path).Should().BeEmpty();
    }

    [Fact]
    public async Task Local_connection_to_a_missing_folder_is_unreachable_and_names_it()
    {
        var missing = Path.Combine(_outside.Path, "nowhere");
        var settings = new ConnectionSettings { Type = "Local", Path = missing };

        var connect = () => new RemoteFilesFactory().ConnectAsync("Drop", settings, CancellationToken.None);

        (await connect.Should().ThrowAsync<RemoteServerUnreachableException>()).Which.Message.Should().Contain(missing);
    }

    [Fact]
    public async Task Local_connection_with_CreateFolder_makes_its_missing_folder_and_uploads_into_it()
    {
        var outbox = Path.Combine(_outside.Path, "outbox", "daily");
        var settings = new ConnectionSettings { Type = "Local", Path = outbox, CreateFolder = true };
        var local = Path.Combine(_local.Path, "report.csv");
        await File.WriteAllTextAsync(local, "id\n1\n");

        await using var files = await new RemoteFilesFactory().ConnectAsync("Outbox", settings, CancellationToken.None);
        await RemoteFileUploader.UploadAsync(files, local, "report.csv", CancellationToken.None);

        (await File.ReadAllTextAsync(Path.Combine(outbox, "report.csv"))).Should().Be("id\n1\n");
    }

    [Theory]
    [InlineData("Download", "etc/passwd", null)]
    [InlineData("Download", "in/passwd", null)]
    [InlineData("Download", "out/secret.txt", null)]
    [InlineData("Download", "out/*.txt", null)]
    [InlineData("Delete", "out/secret.txt", null)]
    [InlineData("Rename", "out/secret.txt", "in/stolen.txt")]
    [InlineData("Rename", "in/orders.csv", "out/secret.txt")]
    [InlineData("Upload", "out/secret.txt", null)]
    [InlineData("List", "etc", null)]
    [InlineData("Exists", "etc/passwd", null)]
    public async Task A_symbolic_link_out_of_a_Local_root_fails_the_step_and_says_so(string action, string remotePath, string? newPath)
    {
        LinkOutOfTheRoot();
        await File.WriteAllTextAsync(Path.Combine(_local.Path, "report.csv"), "id\n1\n");
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase)
        {
            ["action"] = action, ["connection"] = "Drop", ["remotePath"] = remotePath, ["newPath"] = newPath, ["localPath"] = "report.csv",
        };

        var run = () => LocalTask().RunAsync(new TaskRunContext("1", "Transfer1", _local.Path, inputs, NullLogger.Instance), CancellationToken.None);

        (await run.Should().ThrowAsync<TaskFailedException>()).Which.Message.Should().Contain("symbolic link").And.Contain("leads outside");
        (await File.ReadAllTextAsync(Path.Combine(_outside.Path, "sibling", "secret.txt"))).Should().Be("not the root's");
        File.Exists(Path.Combine(_local.Path, "downloads", "etc", "passwd")).Should().BeFalse();
    }

    [Fact]
    public async Task A_link_out_of_a_Local_root_is_not_listed_and_a_wildcard_does_not_download_it()
    {
        LinkOutOfTheRoot();
        var inputs = new Dictionary<string, object?>(StringComparer.OrdinalIgnoreCase) { ["action"] = "Download", ["connection"] = "Drop", ["remotePath"] = "in/*" };

        var outputs = await LocalTask().RunAsync(new TaskRunContext("1", "Transfer1", _local.Path, inputs, NullLogger.Instance), CancellationToken.None);

        outputs["names"].Should().BeAssignableTo<IReadOnlyList<string>>().Which.Should().Equal("orders.csv");
        File.Exists(Path.Combine(_local.Path, "downloads", "in", "passwd")).Should().BeFalse();
    }

    /// <summary>etc -> /etc, in/passwd -> /etc/passwd and out -> ../sibling, whose secret.txt is not the root's.</summary>
    private void LinkOutOfTheRoot()
    {
        Directory.CreateDirectory(Path.Combine(_outside.Path, "sibling"));
        File.WriteAllText(Path.Combine(_outside.Path, "sibling", "secret.txt"), "not the root's");
        Directory.CreateSymbolicLink(Path.Combine(_root, "etc"), "/etc");
        File.CreateSymbolicLink(Path.Combine(_root, "in", "passwd"), "/etc/passwd");
        Directory.CreateSymbolicLink(Path.Combine(_root, "out"), Path.Combine("..", "sibling"));
    }

    private FileTransferTask LocalTask() => new(
        new ConnectionCatalog(new Dictionary<string, ConnectionSettings> { ["Drop"] = new() { Type = "Local", Path = _root } }),
        new RemoteFilesFactory());

    private Task<IRemoteFiles> Connect() =>
        new RemoteFilesFactory().ConnectAsync("Drop", new ConnectionSettings { Type = "Local", Path = _root }, CancellationToken.None);
}

using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

/// <summary>Every action against every protocol's real server; effects are checked in the server's own folder.</summary>
public sealed class EveryProtocolTests : IDisposable
{
    private readonly RemoteFilesFactory _factory = new();
    private readonly TempFolder _local = new();
    private readonly TempFolder _localServer = new();
    private readonly string _folder = FtpTestFiles.UniqueFolder();

    public static TheoryData<string> Servers => TransferServers.All;

    public void Dispose()
    {
        _local.Dispose();
        _localServer.Dispose();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Download_writes_the_same_bytes_under_the_local_folder(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        var content = FtpTestFiles.Binary((2 * 1024 * 1024) + 17, seed: 11);
        server.Write($"{_folder}/in/data.bin", content);

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/in/data.bin", _local.Path, CancellationToken.None);

        downloaded.Size.Should().Be(content.Length);
        (await File.ReadAllBytesAsync(downloaded.LocalPath)).SequenceEqual(content).Should().BeTrue();
        _local.Files().Should().Equal(Path.Combine(_folder, "in", "data.bin"));
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task An_interrupted_download_resumes_from_its_part_file(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        var content = FtpTestFiles.Binary(300_000, seed: 12);
        server.Write($"{_folder}/resume.bin", content);
        // A sentinel unlike the server's bytes: if it survives, the first bytes were not fetched again.
        var sentinel = Enumerable.Repeat((byte)'X', 100_000).ToArray();
        var part = Path.Combine(_local.Path, _folder, "resume.bin.part");
        Directory.CreateDirectory(Path.GetDirectoryName(part)!);
        await File.WriteAllBytesAsync(part, sentinel);

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/resume.bin", _local.Path, CancellationToken.None);

        var local = await File.ReadAllBytesAsync(downloaded.LocalPath);
        local.Length.Should().Be(content.Length);
        local.AsSpan(0, sentinel.Length).SequenceEqual(sentinel).Should().BeTrue("the first bytes come from the .part");
        local.AsSpan(sentinel.Length).SequenceEqual(content.AsSpan(sentinel.Length)).Should().BeTrue("the rest starts at the offset");
        File.Exists(part).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Upload_puts_the_file_in_the_server_folder_replacing_an_older_one_and_leaves_no_part(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/out/report.csv", Encoding.UTF8.GetBytes("an older and longer version of the report"));
        var localFile = Path.Combine(_local.Path, "report.csv");
        await File.WriteAllTextAsync(localFile, "id;total\n1;10\n");

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);
        var size = await RemoteFileUploader.UploadAsync(files, localFile, $"{_folder}/out/report.csv", CancellationToken.None);

        size.Should().Be(14);
        var folder = Path.Combine(server.RootPath, _folder, "out");
        Directory.GetFiles(folder).Select(Path.GetFileName).Should().Equal("report.csv");
        (await File.ReadAllTextAsync(Path.Combine(folder, "report.csv"))).Should().Be("id;total\n1;10\n");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Delete_removes_the_file_and_a_missing_one_is_reported_by_name(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        var path = server.Write($"{_folder}/old.csv", [1, 2, 3]);
        server.Write($"{_folder}/keep.csv", [4]);

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);
        await files.DeleteAsync($"{_folder}/old.csv", CancellationToken.None);
        var again = () => files.DeleteAsync($"{_folder}/old.csv", CancellationToken.None);

        File.Exists(path).Should().BeFalse();
        File.Exists(Path.Combine(server.RootPath, _folder, "keep.csv")).Should().BeTrue();
        (await again.Should().ThrowAsync<RemoteFileNotFoundException>()).Which.Message.Should().Contain($"{_folder}/old.csv");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Rename_moves_the_file_into_another_folder_replacing_a_file_there(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/in/orders.csv", Encoding.UTF8.GetBytes("new"));
        server.Write($"{_folder}/done/orders.csv", Encoding.UTF8.GetBytes("yesterday's"));

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);
        await files.RenameAsync($"{_folder}/in/orders.csv", $"{_folder}/done/orders.csv", CancellationToken.None);
        var missing = () => files.RenameAsync($"{_folder}/in/orders.csv", $"{_folder}/done/other.csv", CancellationToken.None);

        File.Exists(Path.Combine(server.RootPath, _folder, "in", "orders.csv")).Should().BeFalse();
        (await File.ReadAllTextAsync(Path.Combine(server.RootPath, _folder, "done", "orders.csv"))).Should().Be("new");
        await missing.Should().ThrowAsync<RemoteFileNotFoundException>();
        File.Exists(Path.Combine(server.RootPath, _folder, "done", "orders.csv")).Should().BeTrue("a failed rename touches no target");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task List_gives_the_files_of_a_folder_with_sizes_but_not_its_subfolders(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/a.csv", [1]);
        server.Write($"{_folder}/b c.txt", [1, 2]);
        server.Write($"{_folder}/sub/inner.csv", [1]);

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);
        var entries = await files.ListAsync(_folder, CancellationToken.None);
        var missing = await files.ListAsync($"{_folder}/nowhere", CancellationToken.None);

        entries.OrderBy(e => e.Name, StringComparer.Ordinal).Select(e => (e.Name, e.Size)).Should().Equal(("a.csv", 1L), ("b c.txt", 2L));
        entries.Should().OnlyContain(e => e.Modified.Length > 0, "a file-drop trigger tells a changed file by its modification time");
        missing.Should().BeEmpty();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task Exists_is_true_for_a_file_and_false_for_a_missing_file_or_a_folder(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/sub/here.csv", [1]);

        await using var files = await _factory.ConnectAsync(name, server.Settings, CancellationToken.None);

        (await files.ExistsAsync($"{_folder}/sub/here.csv", CancellationToken.None)).Should().BeTrue();
        (await files.ExistsAsync($"{_folder}/sub/gone.csv", CancellationToken.None)).Should().BeFalse();
        (await files.ExistsAsync($"{_folder}/sub", CancellationToken.None)).Should().BeFalse();
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_wildcard_download_fetches_every_match_and_nothing_else(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/in/b.csv", Encoding.UTF8.GetBytes("bb"));
        server.Write($"{_folder}/in/a.csv", Encoding.UTF8.GetBytes("a"));
        server.Write($"{_folder}/in/a.txt", Encoding.UTF8.GetBytes("not me"));

        var result = await Run(server, FileTransferAction.Download, $"{_folder}/in/*.csv");

        result.RemoteFiles.Select(f => f.Value).Should().Equal($"{_folder}/in/a.csv", $"{_folder}/in/b.csv");
        result.LocalPaths.Should().Equal(Path.Combine(_local.Path, _folder, "in", "a.csv"), Path.Combine(_local.Path, _folder, "in", "b.csv"));
        result.Size.Should().Be(3);
        (await File.ReadAllTextAsync(result.LocalPaths[1])).Should().Be("bb");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task A_wildcard_delete_removes_every_match(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/x1.tmp", [1]);
        server.Write($"{_folder}/x2.tmp", [1]);
        server.Write($"{_folder}/x3.csv", [1]);

        var result = await Run(server, FileTransferAction.Delete, $"{_folder}/x?.tmp");

        result.RemoteFiles.Should().HaveCount(2);
        Directory.GetFiles(Path.Combine(server.RootPath, _folder)).Select(Path.GetFileName).Should().Equal("x3.csv");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task WaitForFile_finds_a_file_that_is_there(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);
        server.Write($"{_folder}/ready/orders.csv", [1]);

        var result = await Run(server, FileTransferAction.WaitForFile, $"{_folder}/ready/*.csv", timeout: TimeSpan.FromSeconds(30));

        result.Exists.Should().BeTrue();
        result.RemoteFiles.Select(f => f.FileName).Should().Equal("orders.csv");
    }

    [Theory]
    [MemberData(nameof(Servers))]
    public async Task WaitForFile_ends_with_a_timeout_error_that_names_the_pattern(string name)
    {
        var server = TransferServers.Get(name, _localServer.Path);

        var wait = () => Run(server, FileTransferAction.WaitForFile, $"{_folder}/never/*.csv", timeout: TimeSpan.FromSeconds(1));

        (await wait.Should().ThrowAsync<RemoteFileNotFoundException>()).Which.Message
            .Should().StartWith("Timed out: no file matched").And.Contain($"'{_folder}/never/*.csv'").And.Contain("within 1 s");
    }

    private Task<FileTransferResult> Run(TransferServer server, FileTransferAction action, string remotePath, TimeSpan? timeout = null) =>
        new FileTransferRunner(_factory).RunAsync(
            new FileTransferRequest(action, server.Name, server.Settings, remotePath, _local.Path, Timeout: timeout, PollInterval: TimeSpan.FromMilliseconds(300)),
            NullLogger.Instance,
            CancellationToken.None);
}

using System.Text;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class FtpDownloadTests : IDisposable
{
    private readonly RemoteFilesFactory _factory = new();
    private readonly TempFolder _local = new();
    private readonly string _folder = FtpTestFiles.UniqueFolder();

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task Download_of_a_text_file_writes_the_same_bytes_under_the_local_folder()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/in/orders.csv", "id;amount\n1;10.50\n2;7\n");

        await using var files = await Connect();
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/in/orders.csv", _local.Path, CancellationToken.None);

        downloaded.LocalPath.Should().Be(Path.Combine(_local.Path, _folder, "in", "orders.csv"));
        downloaded.Size.Should().Be(22);
        (await File.ReadAllTextAsync(downloaded.LocalPath)).Should().Be("id;amount\n1;10.50\n2;7\n");
        _local.Files().Should().Equal(Path.Combine(_folder, "in", "orders.csv"));
    }

    [Fact]
    public async Task Download_of_a_multi_MiB_binary_file_is_byte_for_byte_equal()
    {
        var content = FtpTestFiles.Binary((5 * 1024 * 1024) + 12345, seed: 1);
        FtpTestFiles.Server.WriteFile($"{_folder}/big.bin", content);

        await using var files = await Connect();
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/big.bin", _local.Path, CancellationToken.None);

        downloaded.Size.Should().Be(content.Length);
        (await File.ReadAllBytesAsync(downloaded.LocalPath)).SequenceEqual(content).Should().BeTrue();
    }

    [Fact]
    public async Task Download_of_an_empty_file_creates_an_empty_file()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/empty.csv", []);

        await using var files = await Connect();
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/empty.csv", _local.Path, CancellationToken.None);

        downloaded.Size.Should().Be(0);
        new FileInfo(downloaded.LocalPath).Length.Should().Be(0);
    }

    [Fact]
    public async Task A_leading_slash_means_the_login_root_and_still_lands_under_the_local_folder()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/in/a.csv", "a");

        await using var files = await Connect();
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"/{_folder}/in/a.csv", _local.Path, CancellationToken.None);

        downloaded.LocalPath.Should().Be(Path.Combine(_local.Path, _folder, "in", "a.csv"));
        (await File.ReadAllTextAsync(downloaded.LocalPath)).Should().Be("a");
    }

    [Fact]
    public async Task One_session_serves_several_downloads_and_replaces_an_existing_target()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/a.txt", "first");
        FtpTestFiles.Server.WriteFile($"{_folder}/b.txt", "second");
        var existing = Path.Combine(_local.Path, _folder, "a.txt");
        Directory.CreateDirectory(Path.GetDirectoryName(existing)!);
        await File.WriteAllTextAsync(existing, "an older, longer version");

        await using var files = await Connect();
        var a = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/a.txt", _local.Path, CancellationToken.None);
        var b = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/b.txt", _local.Path, CancellationToken.None);

        (await File.ReadAllTextAsync(a.LocalPath)).Should().Be("first");
        (await File.ReadAllTextAsync(b.LocalPath)).Should().Be("second");
    }

    [Fact]
    public async Task Refused_login_names_user_and_host_but_not_the_password_and_leaves_no_file()
    {
        var settings = FtpTestFiles.Settings(password: "wrong-password-123");

        var connect = () => _factory.ConnectAsync("OrdersFtp", settings, CancellationToken.None);

        var error = (await connect.Should().ThrowAsync<RemoteLoginRefusedException>()).Which;
        error.Message.Should().Contain($"{FtpTestFiles.Server.Username}@{FtpTestFiles.Server.Host}:{FtpTestFiles.Server.Port}")
            .And.Contain("530")
            .And.NotContain("wrong-password-123")
            .And.NotContain(FtpTestFiles.Server.Password);
        _local.Files().Should().BeEmpty();
    }

    [Fact]
    public async Task Missing_remote_file_names_the_path_and_leaves_no_local_file()
    {
        await using var files = await Connect();

        var download = () => RemoteFileDownloader.DownloadAsync(files, $"{_folder}/in/missing.csv", _local.Path, CancellationToken.None);

        var error = (await download.Should().ThrowAsync<RemoteFileNotFoundException>()).Which;
        error.Message.Should().Contain($"{_folder}/in/missing.csv").And.Contain(files.Description);
        Directory.EnumerateFileSystemEntries(_local.Path).Should().BeEmpty();
    }

    [Fact]
    public async Task Missing_file_does_not_break_the_session()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/present.txt", "here");
        await using var files = await Connect();

        var missing = () => files.GetSizeAsync($"{_folder}/absent.txt", CancellationToken.None);
        await missing.Should().ThrowAsync<RemoteFileNotFoundException>();

        (await files.GetSizeAsync($"{_folder}/present.txt", CancellationToken.None)).Should().Be(4);
    }

    [Fact]
    public async Task Server_unreachable_names_the_server_and_leaves_no_file()
    {
        var settings = FtpTestFiles.Settings();
        settings.Port = ClosedPort();

        var connect = () => _factory.ConnectAsync("OrdersFtp", settings, CancellationToken.None);

        var error = (await connect.Should().ThrowAsync<RemoteServerUnreachableException>()).Which;
        error.Message.Should().Contain($"127.0.0.1:{settings.Port}");
        _local.Files().Should().BeEmpty();
    }

    [Fact]
    public async Task A_part_file_longer_than_the_remote_file_is_restarted_from_zero()
    {
        var content = Encoding.ASCII.GetBytes("the remote file is short");
        FtpTestFiles.Server.WriteFile($"{_folder}/short.txt", content);
        var part = Path.Combine(_local.Path, _folder, "short.txt.part");
        Directory.CreateDirectory(Path.GetDirectoryName(part)!);
        await File.WriteAllTextAsync(part, new string('X', 1000));

        await using var files = await Connect();
        var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/short.txt", _local.Path, CancellationToken.None);

        (await File.ReadAllBytesAsync(downloaded.LocalPath)).Should().Equal(content);
    }

    [Fact]
    public async Task Size_and_download_from_an_offset_give_the_tail_of_the_file()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/digits.txt", "0123456789");
        await using var files = await Connect();
        using var tail = new MemoryStream();

        var size = await files.GetSizeAsync($"{_folder}/digits.txt", CancellationToken.None);
        await files.DownloadAsync($"{_folder}/digits.txt", tail, offset: 7, CancellationToken.None);

        size.Should().Be(10);
        Encoding.ASCII.GetString(tail.ToArray()).Should().Be("789");
    }

    private async Task<IRemoteFiles> Connect() =>
        await _factory.ConnectAsync("TestFtp", FtpTestFiles.Settings(), CancellationToken.None);

    private static int ClosedPort()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }
}

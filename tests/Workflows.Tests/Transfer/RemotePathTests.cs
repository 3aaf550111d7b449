using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class RemotePathTests : IDisposable
{
    private readonly TempFolder _local = new();

    public void Dispose() => _local.Dispose();

    [Theory]
    [InlineData("../x")]
    [InlineData("in/../../x")]
    [InlineData("in/../x")]
    [InlineData("..\\x")]
    [InlineData("..")]
    [InlineData("C:\\Windows\\win.ini")]
    [InlineData("C:x")]
    [InlineData("\\\\server\\share\\x")]
    [InlineData("\\etc\\passwd")]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/")]
    [InlineData("in/")]
    [InlineData("a\r\nDELE b")]
    public void Unsafe_remote_paths_are_refused_with_the_path_in_the_message(string remotePath)
    {
        var parse = () => RemotePath.Parse(remotePath);

        parse.Should().Throw<RemotePathRejectedException>().WithMessage("Remote path '*' is refused: *");
    }

    [Theory]
    [InlineData("orders.csv", "orders.csv")]
    [InlineData("in/orders.csv", "in/orders.csv")]
    [InlineData("/in/orders.csv", "/in/orders.csv")]
    [InlineData("in\\orders.csv", "in/orders.csv")]
    [InlineData("./in//orders.csv", "in/orders.csv")]
    [InlineData("in/..orders.csv", "in/..orders.csv")]
    public void Safe_remote_paths_are_normalised_for_the_server(string remotePath, string expected)
    {
        RemotePath.Parse(remotePath).Value.Should().Be(expected);
    }

    [Fact]
    public void An_absolute_remote_path_still_maps_under_the_local_folder()
    {
        var local = RemotePath.Parse("/etc/passwd").ToLocalPath(_local.Path);

        local.Should().Be(Path.Combine(_local.Path, "etc", "passwd"));
    }

    [Theory]
    [InlineData("../x")]
    [InlineData("C:\\x")]
    [InlineData("")]
    public async Task Downloader_refuses_an_escaping_path_before_touching_the_server(string remotePath)
    {
        var files = new RecordingRemoteFiles();

        var download = () => RemoteFileDownloader.DownloadAsync(files, remotePath, _local.Path, CancellationToken.None);

        await download.Should().ThrowAsync<RemotePathRejectedException>();
        files.Calls.Should().Be(0);
        Directory.EnumerateFileSystemEntries(_local.Path).Should().BeEmpty();
    }

    /// <summary>Counts calls: the downloader must fail before the first one.</summary>
    private sealed class RecordingRemoteFiles : IRemoteFiles
    {
        public int Calls { get; private set; }

        public string Description => "recording";

        public Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult(0L);
        }

        public Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken) => Record();

        public Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken) => Record();

        public Task DeleteAsync(string remotePath, CancellationToken cancellationToken) => Record();

        public Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken) => Record();

        public Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<RemoteFileEntry>>([]);
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private Task Record()
        {
            Calls++;
            return Task.CompletedTask;
        }
    }
}

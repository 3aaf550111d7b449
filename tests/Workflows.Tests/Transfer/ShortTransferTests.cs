using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class ShortTransferTests : IDisposable
{
    private readonly TempFolder _local = new();

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task Fewer_bytes_than_the_reported_size_is_a_short_transfer_that_keeps_the_part_for_resume()
    {
        // The only fake in these tests: no real server can be told to lie about SIZE.
        var files = new ShortServer(reportedSize: 100, delivered: 60);

        var download = () => RemoteFileDownloader.DownloadAsync(files, "in/orders.csv", _local.Path, CancellationToken.None);

        var error = (await download.Should().ThrowAsync<RemoteSizeMismatchException>()).Which;
        error.Message.Should().Be("Short transfer: got 60 of 100 bytes of 'in/orders.csv' from ftp://short@example:21.");
        _local.Files().Should().Equal(Path.Combine("in", "orders.csv.part"));
    }

    [Fact]
    public async Task More_bytes_than_the_reported_size_is_a_mismatch_that_leaves_no_file()
    {
        var files = new ShortServer(reportedSize: 100, delivered: 150);

        var download = () => RemoteFileDownloader.DownloadAsync(files, "orders.csv", _local.Path, CancellationToken.None);

        (await download.Should().ThrowAsync<RemoteSizeMismatchException>()).Which.Message
            .Should().Contain("150").And.Contain("100").And.Contain("'orders.csv'");
        _local.Files().Should().BeEmpty();
    }

    private sealed class ShortServer(long reportedSize, int delivered) : IRemoteFiles
    {
        public string Description => "ftp://short@example:21";

        public Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken) => Task.FromResult(reportedSize);

        public Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken) =>
            destination.WriteAsync(new byte[delivered], cancellationToken).AsTask();

        public Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task DeleteAsync(string remotePath, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

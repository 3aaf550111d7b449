using System.Net;
using System.Net.Sockets;
using Scheduler.Workflows.Transfer;
using Scheduler.Workflows.Transfer.Ftp;

namespace Scheduler.Workflows.Tests.Transfer;

public sealed class FtpCancellationAndTimeoutTests : IDisposable
{
    private const int FileSize = 8 * 1024 * 1024;
    private readonly TempFolder _local = new();
    private readonly string _folder = FtpTestFiles.UniqueFolder();

    public void Dispose() => _local.Dispose();

    [Fact]
    public async Task Cancellation_stops_a_download_and_closes_the_session()
    {
        FtpTestFiles.Server.WriteFile($"{_folder}/big.bin", FtpTestFiles.Binary(FileSize, seed: 3));
        await using var files = await new RemoteFilesFactory().ConnectAsync("TestFtp", FtpTestFiles.Settings(), CancellationToken.None);
        using var cancellation = new CancellationTokenSource();
        using var destination = new CancelOnFirstWriteStream(new MemoryStream(), cancellation);

        var download = () => files.DownloadAsync($"{_folder}/big.bin", destination, 0, cancellation.Token);

        await download.Should().ThrowAsync<OperationCanceledException>();
        destination.Length.Should().BeGreaterThan(0).And.BeLessThan(FileSize);
        var afterwards = () => files.GetSizeAsync($"{_folder}/big.bin", CancellationToken.None);
        await afterwards.Should().ThrowAsync<RemoteTransferException>().WithMessage("*closed*");
    }

    [Fact]
    public async Task Cancelled_download_keeps_no_target_and_the_next_attempt_resumes_to_the_right_content()
    {
        var content = FtpTestFiles.Binary(FileSize, seed: 4);
        FtpTestFiles.Server.WriteFile($"{_folder}/big.bin", content);
        var factory = new RemoteFilesFactory();
        using var cancellation = new CancellationTokenSource();

        await using (var files = await factory.ConnectAsync("TestFtp", FtpTestFiles.Settings(), CancellationToken.None))
        {
            var cancelling = new CancelOnFirstWriteFiles(files, cancellation);
            var first = () => RemoteFileDownloader.DownloadAsync(cancelling, $"{_folder}/big.bin", _local.Path, cancellation.Token);
            await first.Should().ThrowAsync<OperationCanceledException>();
        }

        var part = new FileInfo(Path.Combine(_local.Path, _folder, "big.bin.part"));
        part.Exists.Should().BeTrue("a cancelled download keeps its .part for the next attempt");
        part.Length.Should().BeGreaterThan(0).And.BeLessThan(FileSize);
        _local.Files().Should().Equal(Path.Combine(_folder, "big.bin.part"));

        await using (var files = await factory.ConnectAsync("TestFtp", FtpTestFiles.Settings(), CancellationToken.None))
        {
            var downloaded = await RemoteFileDownloader.DownloadAsync(files, $"{_folder}/big.bin", _local.Path, CancellationToken.None);
            (await File.ReadAllBytesAsync(downloaded.LocalPath)).SequenceEqual(content).Should().BeTrue();
        }
    }

    [Fact]
    public async Task A_server_that_accepts_but_never_answers_is_reported_after_the_read_timeout()
    {
        using var silent = new TcpListener(IPAddress.Loopback, 0);
        silent.Start();
        var port = ((IPEndPoint)silent.LocalEndpoint).Port;
        var factory = new RemoteFilesFactory(new TransferOptions { ReadTimeout = TimeSpan.FromMilliseconds(300) });
        var settings = FtpTestFiles.Settings();
        settings.Port = port;

        var connect = () => factory.ConnectAsync("Frozen", settings, CancellationToken.None);

        var error = (await connect.Should().ThrowAsync<RemoteServerUnreachableException>()).Which;
        error.Message.Should().Contain($"127.0.0.1:{port}").And.Contain("did not answer");
    }

    /// <summary>Passes writes through and cancels after the first one: a cancellation in the middle of a transfer.</summary>
    private sealed class CancelOnFirstWriteStream(Stream inner, CancellationTokenSource cancellation) : Stream
    {
        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => throw new NotSupportedException(); }

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count)
        {
            inner.Write(buffer, offset, count);
            cancellation.Cancel();
        }

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            await inner.WriteAsync(buffer, cancellationToken);
            await cancellation.CancelAsync();
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing)
            {
                inner.Dispose();
            }

            base.Dispose(disposing);
        }
    }

    /// <summary>The real FTP session, with a destination that cancels after its first write.</summary>
    private sealed class CancelOnFirstWriteFiles(IRemoteFiles inner, CancellationTokenSource cancellation) : IRemoteFiles
    {
        public string Description => inner.Description;

        public Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken) =>
            inner.GetSizeAsync(remotePath, cancellationToken);

        public async Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken)
        {
            var cancelling = new CancelOnFirstWriteStream(destination, cancellation);
            await inner.DownloadAsync(remotePath, cancelling, offset, cancellationToken);
        }

        public Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken) =>
            inner.UploadAsync(remotePath, source, cancellationToken);

        public Task DeleteAsync(string remotePath, CancellationToken cancellationToken) => inner.DeleteAsync(remotePath, cancellationToken);

        public Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken) =>
            inner.RenameAsync(remotePath, newPath, cancellationToken);

        public Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken) =>
            inner.ListAsync(folder, cancellationToken);

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

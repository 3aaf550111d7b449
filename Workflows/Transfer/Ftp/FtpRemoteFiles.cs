using System.Globalization;
using System.Text;

namespace Scheduler.Workflows.Transfer.Ftp;

/// <summary>
/// A logged-in FTP or FTPS session (RFC 959; EPSV from RFC 2428; SIZE, REST and MLSD from RFC 3659; AUTH TLS from
/// RFC 4217), in binary mode. <see cref="FtpLogin"/> opens it; <see cref="FtpDataChannel"/> moves the bytes.
/// </summary>
internal sealed class FtpRemoteFiles : IRemoteFiles
{
    private readonly FtpControlConnection _control;
    private readonly FtpDataChannel _data;
    private readonly bool _hasMlsd;

    public FtpRemoteFiles(FtpControlConnection control, FtpDataChannel data, bool hasMlsd)
    {
        _control = control;
        _data = data;
        _hasMlsd = hasMlsd;
    }

    public string Description => _control.Server;

    public async Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken)
    {
        var reply = await _control.ExecuteAsync($"SIZE {remotePath}", cancellationToken);
        if (reply.Code == 213
            && long.TryParse(reply.Message.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size))
        {
            return size;
        }

        // 550 for a missing file and, on most servers, for a folder: neither has a size to download.
        if (reply.Code == 550)
        {
            throw NotFound(remotePath, reply);
        }

        throw new RemoteTransferException($"{Description} did not give the size of '{remotePath}': {reply}");
    }

    public Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return _data.RunAsync($"RETR {remotePath}", remotePath, offset, sending: false,
            (data, token) => _data.ReceiveAsync(data, destination, remotePath, token), cancellationToken);
    }

    public Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return _data.RunAsync($"STOR {remotePath}", remotePath, 0, sending: true,
            (data, token) => _data.SendAsync(source, data, remotePath, token), cancellationToken);
    }

    public async Task DeleteAsync(string remotePath, CancellationToken cancellationToken)
    {
        var reply = await _control.ExecuteAsync($"DELE {remotePath}", cancellationToken);
        if (reply.Code == 550)
        {
            throw NotFound(remotePath, reply);
        }

        if (!reply.IsCompletion)
        {
            throw new RemoteTransferException($"{Description} refused to delete '{remotePath}': {reply}");
        }
    }

    public async Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken)
    {
        var from = await _control.ExecuteAsync($"RNFR {remotePath}", cancellationToken);
        if (from.Code == 550)
        {
            throw NotFound(remotePath, from);
        }

        if (from.Code != 350)
        {
            throw new RemoteTransferException($"{Description} refused to rename '{remotePath}': {from}");
        }

        var to = await _control.ExecuteAsync($"RNTO {newPath}", cancellationToken);
        if (!to.IsCompletion)
        {
            throw new RemoteTransferException($"{Description} refused to rename '{remotePath}' to '{newPath}': {to}");
        }
    }

    public async Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken)
    {
        var command = (_hasMlsd ? "MLSD" : "LIST") + (folder is null ? "" : $" {folder}");
        using var listing = new MemoryStream();
        try
        {
            await _data.RunAsync(command, folder ?? ".", 0, sending: false,
                (data, token) => _data.ReceiveAsync(data, listing, folder ?? ".", token), cancellationToken);
        }
        catch (RemoteFileNotFoundException)
        {
            return [];
        }

        Func<string, RemoteFileEntry?> parse = _hasMlsd ? FtpListing.ParseMlsdLine : FtpListing.ParseUnixLine;
        return Encoding.UTF8.GetString(listing.GetBuffer(), 0, (int)listing.Length)
            .Split('\n')
            .Select(line => parse(line.TrimEnd('\r')))
            .OfType<RemoteFileEntry>()
            .ToList();
    }

    public async ValueTask DisposeAsync()
    {
        await _control.QuitAsync();
        await _control.DisposeAsync();
    }

    private RemoteFileNotFoundException NotFound(string remotePath, FtpReply reply) =>
        new($"Remote file '{remotePath}' not found on {Description}: {reply}");
}

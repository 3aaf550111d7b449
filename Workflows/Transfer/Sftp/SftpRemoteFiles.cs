using System.Globalization;
using System.Net.Sockets;
using Renci.SshNet;
using Renci.SshNet.Common;

namespace Scheduler.Workflows.Transfer.Sftp;

/// <summary>
/// A logged-in SFTP session (SSH.NET). The server's host key must match the connection's pinned SHA-256 fingerprint:
/// there is no known_hosts file here, and an unchecked key would hand the password to whoever answers.
/// </summary>
internal sealed class SftpRemoteFiles : IRemoteFiles
{
    // 64 KiB reads roughly double SSH.NET's throughput over its 32 KiB default (docs/measurements.md).
    private const uint SftpBufferSize = 64 * 1024;
    private readonly SftpClient _client;
    private readonly TransferOptions _options;

    private SftpRemoteFiles(SftpClient client, string description, TransferOptions options)
    {
        _client = client;
        _options = options;
        Description = description;
    }

    public string Description { get; }

    public static async Task<SftpRemoteFiles> ConnectAsync(
        string host, int port, SftpLogin login, string pinnedHostKey, TransferOptions options, CancellationToken cancellationToken)
    {
        var server = string.Create(CultureInfo.InvariantCulture,
            $"sftp://{login.Username}@{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}");
        var connection = new ConnectionInfo(host, port, login.Username, login.Methods()) { Timeout = options.ConnectTimeout };
        var client = new SftpClient(connection) { OperationTimeout = options.ReadTimeout, BufferSize = SftpBufferSize };
        string? presented = null;
        client.HostKeyReceived += (_, e) =>
        {
            presented = e.FingerPrintSHA256;
            e.CanTrust = string.Equals(e.FingerPrintSHA256, pinnedHostKey, StringComparison.Ordinal);
        };

        try
        {
            await client.ConnectAsync(cancellationToken);
            return new SftpRemoteFiles(client, server, options);
        }
        catch (SshConnectionException exception) when (presented is not null && presented != pinnedHostKey)
        {
            client.Dispose();
            throw new RemoteServerNotTrustedException(
                $"Refused {server}: its host key has the fingerprint {RemoteFingerprint.FormatHostKeySha256(presented)}, "
                + $"not the pinned {RemoteFingerprint.FormatHostKeySha256(pinnedHostKey)}.", exception);
        }
        catch (SshAuthenticationException exception)
        {
            client.Dispose();
            throw new RemoteLoginRefusedException($"Login refused by {server}: {exception.Message}", exception);
        }
        catch (Exception exception) when (exception is SocketException or SshException or IOException)
        {
            client.Dispose();
            throw new RemoteServerUnreachableException($"Cannot connect to {server}: {exception.Message}", exception);
        }
        catch
        {
            client.Dispose();
            throw;
        }
    }

    public Task<long> GetSizeAsync(string remotePath, CancellationToken cancellationToken) =>
        RunAsync("read the size of", remotePath, async () =>
        {
            var attributes = await _client.GetAttributesAsync(remotePath, cancellationToken);
            return attributes.IsRegularFile ? attributes.Size : throw NotFound(remotePath);
        });

    public Task DownloadAsync(string remotePath, Stream destination, long offset, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        return RunAsync("download", remotePath, async () =>
        {
            var source = await _client.OpenAsync(remotePath, FileMode.Open, FileAccess.Read, cancellationToken);
            await using (source)
            {
                source.Seek(offset, SeekOrigin.Begin);
                await source.CopyToAsync(destination, _options.BufferSize, cancellationToken);
            }

            return true;
        });
    }

    public Task UploadAsync(string remotePath, Stream source, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(source);
        return RunAsync("upload", remotePath, async () =>
        {
            await _client.UploadFileAsync(source, remotePath, cancellationToken);
            return true;
        });
    }

    public Task DeleteAsync(string remotePath, CancellationToken cancellationToken) =>
        RunAsync("delete", remotePath, async () =>
        {
            await _client.DeleteFileAsync(remotePath, cancellationToken);
            return true;
        });

    public Task RenameAsync(string remotePath, string newPath, CancellationToken cancellationToken) =>
        RunAsync("rename", remotePath, async () =>
        {
            // SFTP's rename refuses an existing target (OpenSSH), where FTP servers and the Local type replace it; the
            // async API has no posix-rename. Check the source first so that a typo never costs the target.
            await GetSizeAsync(remotePath, cancellationToken);
            if (await _client.ExistsAsync(newPath, cancellationToken))
            {
                await _client.DeleteFileAsync(newPath, cancellationToken);
            }

            await _client.RenameFileAsync(remotePath, newPath, cancellationToken);
            return true;
        });

    public Task<IReadOnlyList<RemoteFileEntry>> ListAsync(string? folder, CancellationToken cancellationToken) =>
        RunAsync("list", folder ?? ".", async () =>
        {
            var entries = new List<RemoteFileEntry>();
            try
            {
                await foreach (var file in _client.ListDirectoryAsync(folder ?? ".", cancellationToken))
                {
                    if (file.IsRegularFile)
                    {
                        entries.Add(new RemoteFileEntry(file.Name, file.Length) { Modified = file.LastWriteTimeUtc.ToString("O", CultureInfo.InvariantCulture) });
                    }
                }
            }
            catch (SftpPathNotFoundException)
            {
                return [];
            }

            return (IReadOnlyList<RemoteFileEntry>)entries;
        });

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    /// <summary>Turns SSH.NET's exceptions into the transfer vocabulary, each naming the server and the path.</summary>
    private async Task<T> RunAsync<T>(string action, string remotePath, Func<Task<T>> operation)
    {
        try
        {
            return await operation();
        }
        catch (SftpPathNotFoundException exception)
        {
            throw new RemoteFileNotFoundException($"Remote file '{remotePath}' not found on {Description}: {exception.Message}", exception);
        }
        catch (SftpPermissionDeniedException exception)
        {
            throw new RemoteTransferException($"{Description} refused to {action} '{remotePath}': {exception.Message}", exception);
        }
        catch (SshOperationTimeoutException exception)
        {
            throw new RemoteServerUnreachableException(
                $"{Description} did not answer within {_options.ReadTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture)} s "
                + $"when asked to {action} '{remotePath}'.", exception);
        }
        catch (Exception exception) when (exception is SshConnectionException or SocketException or IOException or ObjectDisposedException)
        {
            throw new RemoteServerUnreachableException(
                $"The connection to {Description} was lost when asked to {action} '{remotePath}': {exception.Message}", exception);
        }
        catch (SshException exception)
        {
            throw new RemoteTransferException($"{Description} could not {action} '{remotePath}': {exception.Message}", exception);
        }
    }

    private RemoteFileNotFoundException NotFound(string remotePath) => new($"Remote file '{remotePath}' not found on {Description}.");
}

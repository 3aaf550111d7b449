using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Moves files between a remote server or folder and the job's own folder. Download is the action of this version;
/// the protocol is whatever the named connection says, behind <see cref="IRemoteFilesFactory"/>.
/// </summary>
public sealed class FileTransferTask(ConnectionCatalog connections, IRemoteFilesFactory remoteFiles) : IWorkflowTask
{
    private const string Download = "Download";

    public string Type => "FileTransfer";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new("action", ScalarType.String, Required: true, $"What to do; supported: {Download}"),
        new("connection", ScalarType.String, Required: true, "The name of a connection under Connections: in the configuration"),
        new("remotePath", ScalarType.String, Required: true, "The file on the server, relative to the login folder"),
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("localPath", ScalarType.String, "The full path of the downloaded file, inside the job's folder"),
        new("size", ScalarType.Int, "The size of the file in bytes"),
        new("remotePath", ScalarType.String, "The remote path that was downloaded"),
    ];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        if (literalInputs.TryGetValue("action", out var action) && !string.Equals(action, Download, StringComparison.OrdinalIgnoreCase))
        {
            yield return $"the action '{action}' is not supported; supported: {Download}";
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        var action = context.GetString("action");
        if (!string.Equals(action, Download, StringComparison.OrdinalIgnoreCase))
        {
            throw new TaskFailedException($"the action '{action}' is not supported; supported: {Download}");
        }

        var connectionName = context.GetString("connection");
        var remotePath = context.GetString("remotePath");
        var settings = connections.Get(connectionName, "file transfer");
        try
        {
            await using var files = await remoteFiles.ConnectAsync(connectionName, settings, cancellationToken);
            var downloaded = await RemoteFileDownloader.DownloadAsync(files, remotePath, Path.Combine(context.JobDirectory, "downloads"), cancellationToken);
            context.Logger.LogDownloaded(remotePath, files.Description, downloaded.Size, downloaded.LocalPath);
            return new Dictionary<string, object?>
            {
                ["localPath"] = downloaded.LocalPath,
                ["size"] = downloaded.Size,
                ["remotePath"] = remotePath,
            };
        }
        catch (RemoteTransferException e)
        {
            throw new TaskFailedException(e.Message, e);
        }
    }
}

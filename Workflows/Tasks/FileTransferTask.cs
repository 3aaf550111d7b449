using System.Globalization;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Moves, finds and manages files between a remote server or folder and the job's own folder: Download, Upload,
/// Delete, Rename (Move), List, Exists and WaitForFile. The protocol is whatever the named connection says, behind
/// <see cref="IRemoteFilesFactory"/>; the actions themselves are in <see cref="FileTransferRunner"/>.
/// </summary>
public sealed class FileTransferTask(ConnectionCatalog connections, IRemoteFilesFactory remoteFiles) : IWorkflowTask
{
    private readonly FileTransferRunner _runner = new(remoteFiles);

    public string Type => "FileTransfer";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new("action", ScalarType.String, Required: true, $"What to do: {FileTransferActions.Names}") { Fixed = true },
        new("connection", ScalarType.String, Required: true, "The name of a connection under Connections: in the configuration")
        {
            ConnectionTypes = RemoteFilesFactory.KnownTypes,
            Fixed = true,
        },
        new("remotePath", ScalarType.String, Required: true,
            "The remote file, relative to the login folder; a pattern such as in/*.csv for Download, Delete, List, Exists and WaitForFile; a folder for List"),
        new("localPath", ScalarType.String, Required: false, "Upload: the file to send, inside the job's folder (relative paths start there)"),
        new("newPath", ScalarType.String, Required: false, "Rename/Move: the new remote path (its folder must exist; a file there is replaced)"),
        new("timeoutSeconds", ScalarType.Int, Required: false, "WaitForFile: how long to wait before failing (default 300)"),
        new("pollSeconds", ScalarType.Int, Required: false, "WaitForFile: how often to look (default 10)"),
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("localPath", ScalarType.String, "Download of one file: its full local path inside the job's folder; Upload: the file sent"),
        new("size", ScalarType.Int, "Download and Upload: the bytes transferred"),
        new("remotePath", ScalarType.String, "The remote path acted on; after Rename, the new path"),
        new("localPaths", ScalarType.StringList, "Download: the local path of every file downloaded"),
        new("remotePaths", ScalarType.StringList, "The remote files acted on or found"),
        new("names", ScalarType.StringList, "The file names of remotePaths, without folders"),
        new("count", ScalarType.Int, "How many remote files were acted on or found"),
        new("exists", ScalarType.Bool, "Exists, List and WaitForFile: whether any file was found"),
    ];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        FileTransferAction? action = null;
        if (literalInputs.TryGetValue("action", out var actionName))
        {
            if (FileTransferActions.TryParse(actionName, out var parsed))
            {
                action = parsed;
            }
            else
            {
                yield return UnknownAction(actionName);
            }
        }

        foreach (var input in new[] { "remotePath", "newPath" })
        {
            if (literalInputs.TryGetValue(input, out var path) && PathProblem(path, input == "newPath" || action?.AcceptsWildcard() == false) is { } problem)
            {
                yield return $"the input '{input}': {problem}";
            }
        }

        foreach (var input in new[] { "timeoutSeconds", "pollSeconds" })
        {
            if (literalInputs.TryGetValue(input, out var text)
                && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds <= 0)
            {
                yield return $"the input '{input}' must be a positive number of seconds, not {seconds}";
            }
        }
    }

    public IEnumerable<string> ValidateInWorkflow(TaskValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.LiteralInputs.TryGetValue("action", out var name) && FileTransferActions.TryParse(name, out var action))
        {
            foreach (var input in action.RequiredInputs().Where(input => !context.Task.Inputs.ContainsKey(input)))
            {
                yield return $"the action '{name}' needs the input '{input}'";
            }
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var actionName = context.GetString("action");
        if (!FileTransferActions.TryParse(actionName, out var action))
        {
            throw new TaskFailedException(UnknownAction(actionName));
        }

        var missing = action.RequiredInputs().FirstOrDefault(input => context.GetOptionalString(input) is null);
        if (missing is not null)
        {
            throw new TaskFailedException($"the action '{actionName}' needs the input '{missing}'");
        }

        var connectionName = context.GetString("connection");
        var request = new FileTransferRequest(
            action,
            connectionName,
            connections.Get(connectionName, "file transfer"),
            context.GetString("remotePath"),
            Path.Combine(context.JobDirectory, "downloads"),
            action == FileTransferAction.Upload ? InsideJobFolder(context.GetString("localPath"), context.JobDirectory) : null,
            context.GetOptionalString("newPath"),
            Seconds(context, "timeoutSeconds"),
            Seconds(context, "pollSeconds"));
        try
        {
            var result = await _runner.RunAsync(request, context.Logger, cancellationToken);
            return ToOutputs(request, result);
        }
        catch (RemoteTransferException e)
        {
            throw new TaskFailedException(e.Message, e);
        }
    }

    private static Dictionary<string, object?> ToOutputs(FileTransferRequest request, FileTransferResult result)
    {
        var single = result.RemoteFiles.Count == 1 && !RemoteWildcard.HasWildcard(request.RemotePath);
        var outputs = new Dictionary<string, object?>
        {
            ["remotePath"] = request.Action == FileTransferAction.Rename ? result.RemoteFiles[0].Value : request.RemotePath,
            ["remotePaths"] = result.RemoteFiles.Select(file => file.Value).ToList(),
            ["names"] = result.RemoteFiles.Select(file => file.FileName).ToList(),
            ["count"] = (long)result.RemoteFiles.Count,
        };
        if (request.Action is FileTransferAction.Download or FileTransferAction.Upload)
        {
            outputs["localPaths"] = result.LocalPaths.ToList();
            outputs["size"] = result.Size;
            if (single)
            {
                outputs["localPath"] = result.LocalPaths[0];
            }
        }

        if (result.Exists is { } exists)
        {
            outputs["exists"] = exists;
        }

        return outputs;
    }

    /// <summary>
    /// An upload reads only from the job's own folder: a run parameter can set localPath, and an operator who may start
    /// jobs must not be able to send any file of the worker (its configuration, its keys) to a server.
    /// </summary>
    private static string InsideJobFolder(string localPath, string jobDirectory) =>
        LocalFolder.PathInside(jobDirectory, localPath)
            ?? throw new TaskFailedException(
                $"the localPath '{localPath}' is outside the job's folder '{Path.TrimEndingDirectorySeparator(Path.GetFullPath(jobDirectory))}'; Upload sends files of this job only");

    private static TimeSpan? Seconds(TaskRunContext context, string input) =>
        context.Inputs.TryGetValue(input, out var value) && value is long seconds
            ? seconds > 0 ? TimeSpan.FromSeconds(seconds) : throw new TaskFailedException($"the input '{input}' must be a positive number of seconds, not {seconds}")
            : null;

    private static string? PathProblem(string path, bool mustBeOneFile)
    {
        try
        {
            var remote = RemotePath.Parse(path);
            return mustBeOneFile && remote.HasWildcard ? "this action needs one file name, not a pattern" : null;
        }
        catch (RemotePathRejectedException e)
        {
            return e.Message;
        }
    }

    private static string UnknownAction(string action) => $"the action '{action}' is not supported; supported: {FileTransferActions.Names}";
}

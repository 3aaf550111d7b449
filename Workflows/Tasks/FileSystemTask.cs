using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Copies, moves, deletes files and creates folders in the job's folder or a Local connection, for the steps around
/// a transfer (archive what was downloaded, clear an outbox). Servers are FileTransfer's: this task only resolves
/// paths with the same containment and finds files with the same wildcards (<see cref="FileSystemRoot"/>).
/// </summary>
public sealed class FileSystemTask(ConnectionCatalog connections, IRemoteFilesFactory remoteFiles) : IWorkflowTask
{
    private static readonly IReadOnlyList<string> LocalOnly = ["Local"];
    private const string PatternTarget = "the input 'target': it names one file or folder, not a pattern";
    private const string PatternFolder = "the input 'path': CreateFolder needs one folder name, not a pattern";
    private static readonly string[] TargetInputs = ["target", "targetConnection", "overwrite"];

    public string Type => "FileSystem";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new("action", ScalarType.String, Required: true, $"What to do: {FileSystemActions.Names}") { Fixed = true },
        new("connection", ScalarType.String, Required: false, "A Local connection whose folder holds path; without one, the job's folder")
        {
            ConnectionTypes = LocalOnly,
            Fixed = true,
        },
        new("path", ScalarType.String, Required: true,
            "The file, or a pattern such as downloads/*.csv, relative to the root (absolute paths must lie inside it); CreateFolder: the folder"),
        new("target", ScalarType.String, Required: false,
            "Copy/Move: a folder (always for a pattern, or when one exists there) or the new file path, relative to the target root"),
        new("targetConnection", ScalarType.String, Required: false, "Copy/Move: a Local connection whose folder holds target; without one, the root of path")
        {
            ConnectionTypes = LocalOnly,
            Fixed = true,
        },
        new("overwrite", ScalarType.Bool, Required: false, "Copy/Move: replace files already at the target (default false: the task fails and touches nothing)"),
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("files", ScalarType.StringList, "The full paths acted on: the copies or moved files at the target, the deleted files, the folder created"),
        new("count", ScalarType.Int, "How many paths are in files (0 when a pattern matched nothing)"),
    ];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        ArgumentNullException.ThrowIfNull(literalInputs);
        if (!literalInputs.TryGetValue("action", out var name))
        {
            yield break;
        }

        if (!FileSystemActions.TryParse(name, out var action))
        {
            yield return UnknownAction(name);
            yield break;
        }

        if (action == FileSystemAction.CreateFolder && literalInputs.TryGetValue("path", out var path) && RemoteWildcard.HasWildcard(path))
        {
            yield return PatternFolder;
        }

        if (literalInputs.TryGetValue("target", out var target) && RemoteWildcard.HasWildcard(target))
        {
            yield return PatternTarget;
        }

        if (!action.NeedsTarget())
        {
            foreach (var unused in TargetInputs.Where(literalInputs.ContainsKey))
            {
                yield return $"the action '{name}' does not use the input '{unused}'";
            }
        }
    }

    public IEnumerable<string> ValidateInWorkflow(TaskValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context.LiteralInputs.TryGetValue("action", out var name) && FileSystemActions.TryParse(name, out var action)
            && action.NeedsTarget() && !context.Task.Inputs.ContainsKey("target"))
        {
            yield return $"the action '{name}' needs the input 'target'";
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.GetString("action");
        if (!FileSystemActions.TryParse(name, out var action))
        {
            throw new TaskFailedException(UnknownAction(name));
        }

        var root = await FileSystemRoot.OpenAsync(context.GetOptionalString("connection"), context, connections, remoteFiles, cancellationToken);
        await using (root)
        {
            var path = root.Resolve(context.GetString("path"), "path");
            IReadOnlyList<string> files = action switch
            {
                FileSystemAction.CreateFolder => CreateFolder(path),
                FileSystemAction.Delete => await DeleteAsync(root, path, cancellationToken),
                _ => await CopyOrMoveAsync(action, context, root, path, cancellationToken),
            };
            context.Logger.LogFileSystem(action, path.Remote.Value, root.Description, files.Count);
            return new Dictionary<string, object?> { ["files"] = files, ["count"] = (long)files.Count };
        }
    }

    private static string[] CreateFolder(FileSystemPath path)
    {
        if (path.Remote.HasWildcard)
        {
            throw new TaskFailedException(PatternFolder);
        }

        try
        {
            Directory.CreateDirectory(path.FullPath);
        }
        catch (IOException e)
        {
            throw new TaskFailedException($"the folder '{path.Remote}' cannot be created: {e.Message}", e);
        }

        return [path.FullPath];
    }

    private static async Task<IReadOnlyList<string>> DeleteAsync(FileSystemRoot root, FileSystemPath path, CancellationToken cancellationToken)
    {
        var matches = await root.FindAsync(path, cancellationToken);
        foreach (var match in matches)
        {
            await root.Files.DeleteAsync(match.Remote.Value, cancellationToken);
        }

        return [.. matches.Select(match => match.FullPath)];
    }

    private async Task<IReadOnlyList<string>> CopyOrMoveAsync(
        FileSystemAction action, TaskRunContext context, FileSystemRoot root, FileSystemPath path, CancellationToken cancellationToken)
    {
        var targetText = context.GetOptionalString("target") ?? throw new TaskFailedException($"the action '{action}' needs the input 'target'");
        var overwrite = context.Inputs.GetValueOrDefault("overwrite") is true;
        var targetConnection = context.GetOptionalString("targetConnection");
        var targetRoot = targetConnection is null ? null : await FileSystemRoot.OpenAsync(targetConnection, context, connections, remoteFiles, cancellationToken);
        await using (targetRoot)
        {
            if (RemoteWildcard.HasWildcard(targetText))
            {
                throw new TaskFailedException(PatternTarget);
            }

            var into = targetRoot ?? root;
            var target = into.ResolveTarget(targetText);
            var matches = await root.FindAsync(path, cancellationToken);
            var intoFolder = path.Remote.HasWildcard || Directory.Exists(target);
            var pairs = matches
                .Select(match => (From: match.FullPath, To: intoFolder ? into.Resolve(Path.Join(target, match.Remote.FileName), "target").FullPath : target))
                .ToList();
            CheckTargets(pairs, overwrite);
            foreach (var (from, to) in pairs)
            {
                Transfer(action, from, to, overwrite);
            }

            return [.. pairs.Select(pair => pair.To)];
        }
    }

    /// <summary>Every target is checked before any file is touched, so a refusal leaves the folders as they were.</summary>
    private static void CheckTargets(List<(string From, string To)> pairs, bool overwrite)
    {
        if (pairs.FirstOrDefault(pair => pair.From == pair.To) is { From: { } same })
        {
            throw new TaskFailedException($"the target of '{same}' is that file itself");
        }

        var taken = pairs.Where(pair => File.Exists(pair.To) || Directory.Exists(pair.To)).Select(pair => pair.To).ToList();
        if (taken.Count > 0 && (!overwrite || taken.Any(Directory.Exists)))
        {
            throw new TaskFailedException(
                $"the target already exists: {string.Join(", ", taken)}; nothing was copied or moved (set overwrite to true to replace files; a folder is never replaced)");
        }

        var names = pairs.GroupBy(pair => pair.To, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (names is not null)
        {
            throw new TaskFailedException($"several files would go to '{names.Key}': give a folder as the target");
        }
    }

    private static void Transfer(FileSystemAction action, string from, string to, bool overwrite)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(to)!);
            if (action == FileSystemAction.Move)
            {
                File.Move(from, to, overwrite);
            }
            else
            {
                File.Copy(from, to, overwrite);
            }
        }
        catch (IOException e)
        {
            throw new TaskFailedException($"{action} of '{from}' to '{to}' failed: {e.Message}", e);
        }
    }

    private static string UnknownAction(string action) => $"the action '{action}' is not supported; supported: {FileSystemActions.Names}";
}

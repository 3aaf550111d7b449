using Microsoft.Extensions.Logging;
using Scheduler.Dataflows;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Runs a dataflow over a file, typically one an earlier task downloaded, and reports its row counts. Given several
/// files (a wildcard download's <c>localPaths</c>), it runs the dataflow once per file, in order, each run
/// all-or-nothing on its own, and reports the sums.
/// </summary>
public sealed class RunDataflowTask(DataflowCatalog dataflows, DataflowRunner runner, ILogger<DataflowRunner> runnerLogger) : IWorkflowTask
{
    public string Type => "RunDataflow";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new("dataflow", ScalarType.String, Required: true, "The name of the dataflow definition") { Fixed = true },
        new("filePath", ScalarType.StringList, Required: true, "The file the dataflow's source reads, or a list of files to run it over one by one"),
        new("table", ScalarType.String, Required: false, "A PostgreSql destination's table (table or schema.table) for this run instead of the dataflow's; always quoted, never SQL"),
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("rowsRead", ScalarType.Int, "Data rows read from the file (summed over every file)"),
        new("rowsWritten", ScalarType.Int, "Rows loaded into the destination (summed over every file)"),
        new("rowsRejected", ScalarType.Int, "Rows rejected, each with its reason in a rejected-rows file (summed over every file)"),
        new("rejectedRowsPath", ScalarType.String, "The rejected-rows CSV file, when a row was rejected (the first one, with several files)"),
        new("outputPath", ScalarType.String, "The file written, for a file destination (the first one, with several files)"),
        new("rejectedRowsPaths", ScalarType.StringList, "Every rejected-rows CSV file written, one per file that had a rejected row"),
        new("outputPaths", ScalarType.StringList, "Every file written, for a file destination, one per input file"),
        new("filesProcessed", ScalarType.Int, "How many input files the dataflow ran over"),
    ];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        if (!literalInputs.TryGetValue("dataflow", out var name))
        {
            yield break;
        }

        if (!dataflows.TryGet(name, out var dataflow))
        {
            yield return $"there is no valid dataflow named '{name}'; known: {string.Join(", ", dataflows.All.Select(d => d.Name))}";
        }
        else if (literalInputs.ContainsKey("table") && TableProblem(dataflow) is { } problem)
        {
            yield return problem;
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("dataflow");
        if (!dataflows.TryGet(name, out var dataflow))
        {
            throw new TaskFailedException($"there is no valid dataflow named '{name}'");
        }

        if (context.GetOptionalString("table") is { } table)
        {
            dataflow = TableProblem(dataflow) is { } problem
                ? throw new TaskFailedException(problem)
                : dataflow with { Destination = dataflow.Destination with { Table = table } };
        }

        IReadOnlyList<string> files = [.. (context.Inputs.GetValueOrDefault("filePath") as IReadOnlyList<string> ?? []).Select(file => InsideJobFolder(context, file))];
        long rowsRead = 0, rowsWritten = 0, rowsRejected = 0;
        List<string> rejectedRowsPaths = [], outputPaths = [];
        for (var i = 0; i < files.Count; i++)
        {
            var result = await RunOneAsync(dataflow, files, i, context, new RedactingLogger(runnerLogger, context.Redactor), cancellationToken);
            if (result.LoadedBefore is { } loadedAt)
            {
                context.Logger.LogDataflowLoadedBefore(name, files[i], loadedAt, result.RowsRead, result.RowsWritten, result.RowsRejected);
            }
            else
            {
                context.Logger.LogDataflowDone(name, files[i], result.RowsRead, result.RowsWritten, result.RowsRejected);
            }

            rowsRead += result.RowsRead;
            rowsWritten += result.RowsWritten;
            rowsRejected += result.RowsRejected;
            rejectedRowsPaths.AddRange(result.RejectedRowsPath is { } rejected ? [rejected] : []);
            outputPaths.AddRange(result.OutputPath is { } output ? [output] : []);
        }

        return new Dictionary<string, object?>
        {
            ["rowsRead"] = rowsRead,
            ["rowsWritten"] = rowsWritten,
            ["rowsRejected"] = rowsRejected,
            ["rejectedRowsPath"] = rejectedRowsPaths.FirstOrDefault(),
            ["outputPath"] = outputPaths.FirstOrDefault(),
            ["rejectedRowsPaths"] = rejectedRowsPaths,
            ["outputPaths"] = outputPaths,
            ["filesProcessed"] = (long)files.Count,
        };
    }

    private async Task<DataflowResult> RunOneAsync(
        DataflowDefinition dataflow, IReadOnlyList<string> files, int index, TaskRunContext context, ILogger logger, CancellationToken cancellationToken)
    {
        var workingDirectory = WorkingDirectory(context, files, index);

        // The job's id, the step and the file name the load across deliveries of the job: a load that committed
        // before its worker died is found in the destination's ledger and not made again.
        var request = new DataflowRunRequest(WithOutputInside(dataflow, workingDirectory), files[index], workingDirectory)
        {
            Load = new LoadIdentity(context.JobId, context.StepKey, FileKey(context, files[index])) { Attempt = context.Attempt },
            Logger = logger,
            Context = context.RunContext,
        };
        try
        {
            return await runner.RunAsync(request, cancellationToken);
        }
        catch (DataflowException e) when (files.Count > 1)
        {
            var earlier = index == 0 ? "" : $" (the {index} file(s) before it were loaded and stay loaded)";
            throw new TaskFailedException($"file {index + 1} of {files.Count}, {files[index]}: {e.Message}{earlier}", e);
        }
        catch (DataflowException e)
        {
            throw new TaskFailedException(e.Message, e);
        }
    }

    /// <summary>The file's path relative to the step's folder, which stays the same when the job runs again; the full path for a file outside it.</summary>
    private static string FileKey(TaskRunContext context, string file)
    {
        var full = Path.GetFullPath(file, context.JobDirectory);
        var relative = Path.GetRelativePath(context.JobDirectory, full);
        return relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative)
            ? full
            : relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>
    /// A dataflow reads only files of its own job (a relative path starts at the task's folder): whoever may set a
    /// filePath must not be able to load, or read back through an error, any other file of the worker.
    /// </summary>
    private static string InsideJobFolder(TaskRunContext context, string file) =>
        LocalFolder.PathInside(context.JobFolder, Path.GetFullPath(file, context.JobDirectory))
            ?? throw new TaskFailedException(
                $"the filePath '{file}' is outside the job's folder '{Path.TrimEndingDirectorySeparator(Path.GetFullPath(context.JobFolder))}'; a dataflow reads files of this job only, such as a download's localPath");

    /// <summary>A file destination's path, taken from the working folder, must stay in it (symbolic links included).</summary>
    private static DataflowDefinition WithOutputInside(DataflowDefinition dataflow, string workingDirectory)
    {
        if (dataflow.Destination.Type == DestinationType.PostgreSql || dataflow.Destination.Path is not { } path)
        {
            return dataflow;
        }

        var inside = LocalFolder.PathInside(workingDirectory, path)
            ?? throw new TaskFailedException(
                $"the dataflow '{dataflow.Name}' writes its {dataflow.Destination.Type} to '{path}', outside the job's folder '{Path.TrimEndingDirectorySeparator(Path.GetFullPath(workingDirectory))}'; a destination path is relative to it");
        return dataflow with { Destination = dataflow.Destination with { Path = inside } };
    }

    private static string? TableProblem(DataflowDefinition dataflow) => dataflow.Destination.Type == DestinationType.PostgreSql
        ? null
        : $"the input 'table' applies to a PostgreSql destination, and the dataflow '{dataflow.Name}' writes a {dataflow.Destination.Type}";

    // One file keeps the job folder, as a single-file workflow always did; with several, each run gets a folder of
    // its own so that their rejected-rows and relative output files do not overwrite each other.
    private static string WorkingDirectory(TaskRunContext context, IReadOnlyList<string> files, int index) =>
        files.Count == 1
            ? context.JobDirectory
            : Path.Combine(context.JobDirectory, context.TaskName, $"{index + 1}-{Path.GetFileNameWithoutExtension(files[index])}");
}

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
/// all-or-nothing on its own, and reports the sums. A dataflow whose source is a query reads no file; its query
/// parameters are inputs of the task.
/// </summary>
public sealed class RunDataflowTask(DataflowCatalog dataflows, DataflowRunner runner, ILogger<DataflowRunner> runnerLogger) : IWorkflowTask
{
    public string Type => "RunDataflow";

    private const string QueryLoadKey = "(query)";

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

    /// <summary>A dataflow whose source is a query has no input file, and an input per query parameter.</summary>
    public IReadOnlyList<TaskInput> InputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) =>
        QueryOf(literalInputs) is { } source
            ? [.. Inputs.Where(i => i.Name != "filePath"), .. source.Parameters.Where(p => !IsOwnInput(p.Name)).Select(QueryParameterInput)]
            : Inputs;

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        foreach (var clash in QueryOf(literalInputs)?.Parameters.Where(p => IsOwnInput(p.Name)) ?? [])
        {
            yield return $"the dataflow's query parameter '{clash.Name}' has the name of an input of RunDataflow; rename it in the dataflow";
        }

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

        if (dataflow.Source.Type == SourceType.PostgreSql)
        {
            return OutputsOf([await RunQueryAsync(dataflow, context, cancellationToken)], files: 0);
        }

        IReadOnlyList<string> files = [.. (context.Inputs.GetValueOrDefault("filePath") as IReadOnlyList<string> ?? []).Select(file => InsideJobFolder(context, file))];
        var results = new List<DataflowResult>();
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

            results.Add(result);
        }

        return OutputsOf(results, files.Count);
    }

    private static Dictionary<string, object?> OutputsOf(IReadOnlyList<DataflowResult> results, int files)
    {
        List<string> rejectedRowsPaths = [.. results.Select(r => r.RejectedRowsPath).OfType<string>()];
        List<string> outputPaths = [.. results.Select(r => r.OutputPath).OfType<string>()];
        return new Dictionary<string, object?>
        {
            ["rowsRead"] = results.Sum(r => r.RowsRead),
            ["rowsWritten"] = results.Sum(r => r.RowsWritten),
            ["rowsRejected"] = results.Sum(r => r.RowsRejected),
            ["rejectedRowsPath"] = rejectedRowsPaths.FirstOrDefault(),
            ["outputPath"] = outputPaths.FirstOrDefault(),
            ["rejectedRowsPaths"] = rejectedRowsPaths,
            ["outputPaths"] = outputPaths,
            ["filesProcessed"] = (long)files,
        };
    }

    /// <summary>Runs a dataflow whose source is a query, with the task's inputs as the query's parameters.</summary>
    private async Task<DataflowResult> RunQueryAsync(DataflowDefinition dataflow, TaskRunContext context, CancellationToken cancellationToken)
    {
        var request = new DataflowRunRequest(WithOutputInside(dataflow, context.JobDirectory), null, context.JobDirectory)
        {
            // A query has no file to name the load: the job and the step do, so a redelivered job does not load its rows twice.
            Load = new LoadIdentity(context.JobId, context.StepKey, QueryLoadKey) { Attempt = context.Attempt },
            Logger = new RedactingLogger(runnerLogger, context.Redactor),
            Parameters = dataflow.Source.Parameters.ToDictionary(p => p.Name, p => context.Inputs.GetValueOrDefault(p.Name), StringComparer.OrdinalIgnoreCase),
        };
        try
        {
            var result = await runner.RunAsync(request, cancellationToken);
            context.Logger.LogDataflowDone(dataflow.Name, QueryLoadKey, result.RowsRead, result.RowsWritten, result.RowsRejected);
            return result;
        }
        catch (DataflowException e)
        {
            throw new TaskFailedException(context.Redactor.Mask(e.Message), e);
        }
    }

    private SourceDefinition? QueryOf(IReadOnlyDictionary<string, string> literalInputs) =>
        literalInputs.TryGetValue("dataflow", out var name) && dataflows.TryGet(name, out var dataflow) && dataflow.Source.Type == SourceType.PostgreSql
            ? dataflow.Source
            : null;

    private bool IsOwnInput(string name) => Inputs.Any(i => string.Equals(i.Name, name, StringComparison.OrdinalIgnoreCase));

    private static TaskInput QueryParameterInput(QueryParameterDefinition parameter) => new(
        parameter.Name,
        parameter.Type switch
        {
            ColumnType.Int or ColumnType.Long => ScalarType.Int,
            ColumnType.Decimal or ColumnType.Double => ScalarType.Decimal,
            ColumnType.Bool => ScalarType.Bool,
            ColumnType.Date or ColumnType.Timestamp or ColumnType.TimestampWithOffset => ScalarType.DateTime,
            _ => ScalarType.String,
        },
        Required: false,
        $"The dataflow's query parameter @{parameter.Name} ({ColumnTypeNames.Of(parameter.Type)})");

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

using Microsoft.Extensions.Logging;
using Scheduler.Dataflows;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Engine;

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
        new("dataflow", ScalarType.String, Required: true, "The name of the dataflow definition"),
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

        var files = context.Inputs.GetValueOrDefault("filePath") as IReadOnlyList<string> ?? [];
        long rowsRead = 0, rowsWritten = 0, rowsRejected = 0;
        List<string> rejectedRowsPaths = [], outputPaths = [];
        for (var i = 0; i < files.Count; i++)
        {
            var result = await RunOneAsync(dataflow, files, i, WorkingDirectory(context, files, i), new RedactingLogger(runnerLogger, context.Redactor), cancellationToken);
            context.Logger.LogDataflowDone(name, files[i], result.RowsRead, result.RowsWritten, result.RowsRejected);
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
        DataflowDefinition dataflow, IReadOnlyList<string> files, int index, string workingDirectory, ILogger logger, CancellationToken cancellationToken)
    {
        try
        {
            return await runner.RunAsync(new DataflowRunRequest(dataflow, files[index], workingDirectory) { Logger = logger }, cancellationToken);
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

using Scheduler.Dataflows;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Tasks;

/// <summary>Runs a dataflow over a file, typically one an earlier task downloaded, and reports its row counts.</summary>
public sealed class RunDataflowTask(DataflowCatalog dataflows, DataflowRunner runner) : IWorkflowTask
{
    public string Type => "RunDataflow";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new("dataflow", ScalarType.String, Required: true, "The name of the dataflow definition"),
        new("filePath", ScalarType.String, Required: true, "The file the dataflow's source reads"),
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("rowsRead", ScalarType.Int, "Data rows read from the file"),
        new("rowsWritten", ScalarType.Int, "Rows loaded into the destination"),
        new("rowsRejected", ScalarType.Int, "Rows rejected, each with its reason in the rejected-rows file"),
        new("rejectedRowsPath", ScalarType.String, "The rejected-rows CSV file, when a row was rejected"),
        new("outputPath", ScalarType.String, "The file written, for a file destination"),
    ];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        if (literalInputs.TryGetValue("dataflow", out var name) && !dataflows.TryGet(name, out _))
        {
            yield return $"there is no valid dataflow named '{name}'; known: {string.Join(", ", dataflows.All.Select(d => d.Name))}";
        }
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        var name = context.GetString("dataflow");
        if (!dataflows.TryGet(name, out var dataflow))
        {
            throw new TaskFailedException($"there is no valid dataflow named '{name}'");
        }

        try
        {
            var result = await runner.RunAsync(new DataflowRunRequest(dataflow, context.GetString("filePath"), context.JobDirectory), cancellationToken);
            context.Logger.LogDataflowDone(name, result.RowsRead, result.RowsWritten, result.RowsRejected);
            return new Dictionary<string, object?>
            {
                ["rowsRead"] = result.RowsRead,
                ["rowsWritten"] = result.RowsWritten,
                ["rowsRejected"] = result.RowsRejected,
                ["rejectedRowsPath"] = result.RejectedRowsPath,
                ["outputPath"] = result.OutputPath,
            };
        }
        catch (DataflowException e)
        {
            throw new TaskFailedException(e.Message, e);
        }
    }
}

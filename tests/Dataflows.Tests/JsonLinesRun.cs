using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Tests;

/// <summary>Runs a definition into a JSON Lines file, so that tests can read back each row's typed values.</summary>
internal static class JsonLinesRun
{
    public static DataflowDefinition Definition(SourceDefinition source, params TransformDefinition[] transforms) => new()
    {
        Name = "test",
        Source = source,
        Transforms = transforms,
        Destination = new DestinationDefinition { Type = DestinationType.JsonLinesFile, Path = "out.jsonl" },
        MaxErrors = 100,
    };

    public static async Task<(DataflowResult Result, List<Dictionary<string, JsonElement>> Rows)> RunAsync(TestFiles files, DataflowDefinition definition, string inputPath)
    {
        var runner = new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance);
        var result = await runner.RunAsync(new DataflowRunRequest(definition, inputPath, files.WorkingDirectory), CancellationToken.None);
        var rows = File.ReadAllLines(result.OutputPath!)
            .Select(line => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!)
            .ToList();
        return (result, rows);
    }

    /// <summary>The rejected rows file without its header, as <c>line|column|reason</c>.</summary>
    public static IEnumerable<string> Rejections(TestFiles files) =>
        File.Exists(files.RejectedRowsPath)
            ? File.ReadAllLines(files.RejectedRowsPath).Skip(1).Select(l => l)
            : [];
}

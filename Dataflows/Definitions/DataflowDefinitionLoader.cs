using System.Text.Json;
using Scheduler.Dataflows.Transforms;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Reads a dataflow definition from JSON. Bad input is reported as problems, never thrown.</summary>
public static class DataflowDefinitionLoader
{
    private static readonly JsonDocumentOptions DocumentOptions = new()
    {
        AllowTrailingCommas = true,
        CommentHandling = JsonCommentHandling.Skip,
    };

    public static DataflowLoadResult Load(string json, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            return Bind(document, sourceName);
        }
        catch (JsonException exception)
        {
            return Malformed(exception, sourceName);
        }
    }

    private static DataflowLoadResult Bind(JsonDocument document, string sourceName)
    {
        var problems = DataflowDefinitionValidator.Validate(document.RootElement);
        if (problems.Count > 0)
        {
            return new DataflowLoadResult(sourceName, null, problems);
        }

        try
        {
            var definition = document.RootElement.Deserialize(DataflowJsonContext.Default.DataflowDefinition);
            if (definition is null)
            {
                return new DataflowLoadResult(sourceName, null, [new DefinitionProblem("$", "a dataflow definition must be a JSON object")]);
            }

            // Expressions and column references can only be checked against the typed columns.
            var planProblems = DataflowPlan.Check(definition);
            return new DataflowLoadResult(sourceName, planProblems.Count == 0 ? definition : null, planProblems);
        }
        catch (JsonException exception)
        {
            // The validator should have caught this; report it rather than throw, as for any other bad input.
            return new DataflowLoadResult(sourceName, null, [new DefinitionProblem(exception.Path ?? "$", $"cannot be read: {exception.Message}")]);
        }
    }

    private static DataflowLoadResult Malformed(JsonException exception, string sourceName)
    {
        // JsonException positions are 0-based; editors count from 1.
        var line = (exception.LineNumber ?? 0) + 1;
        var position = (exception.BytePositionInLine ?? 0) + 1;
        var reason = exception.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd();
        return new DataflowLoadResult(
            sourceName,
            null,
            [new DefinitionProblem("$", $"the JSON is malformed at line {line}, position {position}: {reason}")]);
    }
}

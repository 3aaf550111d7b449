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

    public static DefinitionLoadResult<DataflowDefinition> Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, DocumentOptions);
            return Bind(document);
        }
        catch (JsonException exception)
        {
            return Malformed(exception);
        }
    }

    private static DefinitionLoadResult<DataflowDefinition> Bind(JsonDocument document)
    {
        var problems = DataflowDefinitionValidator.Validate(document.RootElement);
        if (problems.Count > 0)
        {
            return new(null, problems);
        }

        try
        {
            var definition = document.RootElement.Deserialize(DataflowJsonContext.Default.DataflowDefinition);
            if (definition is null)
            {
                return Failed("$", "a dataflow definition must be a JSON object");
            }

            // Expressions and column references can only be checked against the typed columns.
            var planProblems = DataflowPlan.Check(definition);
            return new(planProblems.Count == 0 ? definition : null, planProblems);
        }
        catch (JsonException exception)
        {
            // The validator should have caught this; report it rather than throw, as for any other bad input.
            return Failed(exception.Path ?? "$", $"cannot be read: {exception.Message}");
        }
    }

    private static DefinitionLoadResult<DataflowDefinition> Malformed(JsonException exception)
    {
        // JsonException positions are 0-based; editors count from 1.
        var line = (exception.LineNumber ?? 0) + 1;
        var position = (exception.BytePositionInLine ?? 0) + 1;
        var reason = exception.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd();
        return Failed("$", $"the JSON is malformed at line {line}, position {position}: {reason}");
    }

    private static DefinitionLoadResult<DataflowDefinition> Failed(string path, string message) => new(null, [new DefinitionProblem(path, message)]);
}

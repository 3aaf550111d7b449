using System.Text.Json;
using Scheduler.Dataflows.Json;
using Scheduler.Dataflows.Transforms;

namespace Scheduler.Dataflows.Definitions;

/// <summary>Reads a dataflow definition from JSON. Bad input is reported as problems, never thrown.</summary>
public static class DataflowDefinitionLoader
{
    public static DefinitionLoadResult<DataflowDefinition> Load(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        try
        {
            using var document = JsonDocument.Parse(json, LenientJson.DocumentOptions);
            return Bind(document);
        }
        catch (JsonException exception)
        {
            return Failed("$", $"the JSON is malformed{JsonErrors.Describe(exception)}");
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
            return Failed(exception.Path ?? "$", $"cannot be read{JsonErrors.Describe(exception)}");
        }
    }

    private static DefinitionLoadResult<DataflowDefinition> Failed(string path, string message) => new(null, [new DefinitionProblem(path, message)]);
}

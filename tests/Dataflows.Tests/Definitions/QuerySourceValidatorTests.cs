using System.Text.Json.Nodes;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Tests.Definitions;

public sealed class QuerySourceValidatorTests
{
    [Fact]
    public void The_sample_export_loads_with_its_query_and_parameter()
    {
        var result = DataflowDefinitionLoader.Load(File.ReadAllText(TestFiles.RepositoryFile("samples/dataflows/orders-export.json")));

        result.Problems.Should().BeEmpty();
        var source = result.Definition!.Source;
        source.Type.Should().Be(SourceType.PostgreSql);
        source.Connection.Should().Be("Warehouse");
        source.Query.Should().Contain("@since");
        source.Parameters.Should().Equal(new QueryParameterDefinition { Name = "since", Type = ColumnType.TimestampWithOffset });
        source.Columns.Should().BeEmpty();
    }

    [Theory]
    [InlineData("""{ "type": "PostgreSql", "connection": "W" }""", "$.source.query", "is required")]
    [InlineData("""{ "type": "PostgreSql", "query": "SELECT 1" }""", "$.source.connection", "is required")]
    [InlineData("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT 1", "delimiter": ";" }""", "$.source.delimiter", "unknown property for a PostgreSql source")]
    [InlineData("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT 1", "parameters": [ { "name": "1x" } ] }""", "$.source.parameters[0].name", "not a valid parameter name")]
    [InlineData("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT @a", "parameters": [ { "name": "a" }, { "name": "A" } ] }""", "$.source.parameters[1].name", "declared twice")]
    [InlineData("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT @ab", "parameters": [ { "name": "a" } ] }""", "$.source.parameters[0].name", "the query does not read @a")]
    [InlineData("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT @a", "parameters": [ { "name": "a", "type": "money" } ] }""", "$.source.parameters[0].type", "unknown type 'money'")]
    [InlineData("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT 1", "columns": [ { "name": "n", "type": "int", "maxLength": 3 } ] }""", "$.source.columns[0].maxLength", "string columns only")]
    public void A_bad_query_source_is_reported_at_its_JSON_path(string source, string path, string message)
    {
        var result = Load(source);

        result.Problems.Should().ContainSingle().Which.Should().Match<DefinitionProblem>(p => p.Path == path && p.Message.Contains(message));
    }

    [Fact]
    public void Transforms_need_declared_columns_because_they_are_checked_when_the_dataflow_is_saved()
    {
        var result = Load("""{ "type": "PostgreSql", "connection": "W", "query": "SELECT 1 AS n" }""", """[ { "type": "Filter", "expression": "n > 0" } ]""");

        result.Problems.Should().ContainSingle().Which.ToString().Should().StartWith("$.source.columns: is required when the dataflow has transforms");
    }

    [Fact]
    public void A_query_longer_than_the_limit_is_refused_and_one_at_the_limit_is_not()
    {
        var select = "SELECT 1 AS n";
        var atLimit = Load(new JsonObject { ["type"] = "PostgreSql", ["connection"] = "W", ["query"] = select.PadRight(QuerySourceValidator.MaxQueryLength) }.ToJsonString());
        var over = Load(new JsonObject { ["type"] = "PostgreSql", ["connection"] = "W", ["query"] = select.PadRight(QuerySourceValidator.MaxQueryLength + 1) }.ToJsonString());

        atLimit.Problems.Should().BeEmpty();
        over.Problems.Should().ContainSingle().Which.Should().Match<DefinitionProblem>(p => p.Path == "$.source.query" && p.Message.Contains("longer than 100000"));
    }

    [Fact]
    public void More_parameters_than_the_limit_are_refused()
    {
        var parameters = new JsonArray([.. Enumerable.Range(0, QuerySourceValidator.MaxParameters + 1).Select(i => (JsonNode)new JsonObject { ["name"] = $"p{i}" })]);
        var source = new JsonObject { ["type"] = "PostgreSql", ["connection"] = "W", ["query"] = "SELECT 1", ["parameters"] = parameters };

        Load(source.ToJsonString()).Problems.Should().ContainSingle().Which.Should().Match<DefinitionProblem>(p => p.Path == "$.source.parameters" && p.Message.Contains("more than 100"));
    }

    private static DefinitionLoadResult<DataflowDefinition> Load(string source, string transforms = "[]") => DataflowDefinitionLoader.Load(
        $$"""{ "name": "q", "source": {{source}}, "transforms": {{transforms}}, "destination": { "type": "CsvFile", "path": "out.csv" } }""");
}

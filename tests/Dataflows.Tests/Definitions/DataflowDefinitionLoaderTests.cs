using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Tests.Definitions;

public sealed class DataflowDefinitionLoaderTests
{
    [Fact]
    public void Sample_postgres_definition_loads_with_every_setting()
    {
        var json = File.ReadAllText(TestFiles.RepositoryFile("samples/dataflows/orders-to-postgres.json"));

        var result = DataflowDefinitionLoader.Load(json);

        result.Problems.Should().BeEmpty();
        var definition = result.Definition!;
        definition.Name.Should().Be("orders-to-postgres");
        definition.Description.Should().NotBeNullOrWhiteSpace();
        definition.MaxErrors.Should().Be(10);
        definition.Source.HasHeader.Should().BeTrue();
        definition.Source.Delimiter.Should().Be(",");
        definition.Source.Columns.Select(c => c.Type).Should().Equal(
            ColumnType.Int, ColumnType.String, ColumnType.String, ColumnType.Decimal, ColumnType.TimestampWithOffset, ColumnType.String, ColumnType.Bool, ColumnType.String);
        definition.Source.Columns[0].Required.Should().BeTrue();
        definition.Source.Columns[5].MinLength.Should().Be(2);
        definition.Source.Columns[5].MaxLength.Should().Be(2);
        definition.Source.Columns[7].EmptyAsNull.Should().BeTrue();
        definition.Destination.Should().Be(new DestinationDefinition
        {
            Type = DestinationType.PostgreSql, Connection = "Warehouse", Table = "orders", CreateTable = true, Mode = LoadMode.Append,
        });
    }

    [Fact]
    public void Sample_csv_definition_loads_with_a_file_destination()
    {
        var result = DataflowDefinitionLoader.Load(File.ReadAllText(TestFiles.RepositoryFile("samples/dataflows/orders-to-csv.json")));

        result.IsValid.Should().BeTrue(result.Describe());
        result.Definition!.Destination.Type.Should().Be(DestinationType.CsvFile);
        result.Definition.Destination.Path.Should().Be("output/orders.csv");
    }

    [Fact]
    public void Property_names_and_enum_values_are_case_insensitive()
    {
        var result = DataflowDefinitionLoader.Load(
            """{ "NAME": "x", "Source": { "COLUMNS": [ { "Name": "a", "Type": "TIMESTAMPWITHOFFSET" } ] }, "destination": { "type": "csvfile", "PATH": "o.csv" } }""");

        result.IsValid.Should().BeTrue(result.Describe());
        result.Definition!.Source.Columns[0].Type.Should().Be(ColumnType.TimestampWithOffset);
        result.Definition.Destination.Type.Should().Be(DestinationType.CsvFile);
    }

    [Fact]
    public void Every_problem_is_reported_with_its_json_path()
    {
        const string json = """
            {
              "source": {
                "delimiter": ";;",
                "columns": [
                  { "name": "id", "type": "int" },
                  { "name": "ID", "type": "int" },
                  { "type": "string" },
                  { "name": "created", "type": "datetime" },
                  { "name": "code", "type": "string", "minLength": 5, "maxLength": 2, "requried": true },
                  { "name": "n", "type": "int", "maxLength": 3 }
                ]
              },
              "destination": { "type": "PostgreSql", "table": "a.b.c", "mode": "Upsert" },
              "maxErrors": -1
            }
            """;

        var result = DataflowDefinitionLoader.Load(json);

        result.IsValid.Should().BeFalse();
        result.Problems.Select(p => p.ToString()).Should().BeEquivalentTo(
        [
            "$.name: is required",
            "$.maxErrors: must be at least 0, not -1",
            "$.source.delimiter: ';;' is not a valid delimiter; it must be one ASCII character other than a line break",
            "$.source.columns[1].name: column 'ID' is defined twice (also at index 0)",
            "$.source.columns[2].name: is required",
            "$.source.columns[3].type: unknown type 'datetime'; valid: string, int, long, decimal, double, bool, date, timestamp, timestampWithOffset, guid",
            "$.source.columns[4].requried: unknown property for a column; valid: name, type, required, minLength, maxLength, emptyAsNull, format",
            "$.source.columns[4].minLength: minLength (5) is greater than maxLength (2)",
            "$.source.columns[5].maxLength: lengths apply to string columns only, not to 'int'",
            "$.destination.connection: is required",
            "$.destination.table: 'a.b.c' is not a valid table name; use 'table' or 'schema.table'",
            "$.destination.keyColumns: is required",
        ]);
    }

    [Fact]
    public void Unknown_destination_type_lists_the_valid_ones()
    {
        var result = DataflowDefinitionLoader.Load(
            """{ "name": "x", "source": { "columns": [ { "name": "a" } ] }, "destination": { "type": "Oracle" } }""");

        result.Problems.Should().ContainSingle().Which.ToString().Should().Be("$.destination.type: unknown type 'Oracle'; valid: PostgreSql, CsvFile, JsonLinesFile");
    }

    [Fact]
    public void Missing_source_and_destination_are_both_reported()
    {
        var result = DataflowDefinitionLoader.Load("""{ "name": "x" }""");

        result.Problems.Select(p => p.Path).Should().BeEquivalentTo(["$.source", "$.destination"]);
    }

    [Fact]
    public void Csv_file_destination_requires_a_path_and_rejects_database_settings()
    {
        var result = DataflowDefinitionLoader.Load(
            """{ "name": "x", "source": { "columns": [ { "name": "a" } ] }, "destination": { "type": "CsvFile", "table": "t" } }""");

        result.Problems.Select(p => p.Path).Should().BeEquivalentTo(["$.destination.table", "$.destination.path"]);
    }

    [Theory]
    [InlineData("CsvFile", "/tmp/x.csv", "is absolute")]
    [InlineData("CsvFile", "C:/x.csv", "is absolute")]
    [InlineData("CsvFile", "\\\\server\\share\\x.csv", "is absolute")]
    [InlineData("JsonLinesFile", "../x.jsonl", "goes up with '..'")]
    [InlineData("JsonLinesFile", "output/../../x.jsonl", "goes up with '..'")]
    public void A_file_destination_path_that_leaves_the_job_folder_is_refused(string type, string path, string reason)
    {
        var document = new System.Text.Json.Nodes.JsonObject
        {
            ["name"] = "x",
            ["source"] = System.Text.Json.Nodes.JsonNode.Parse("""{ "columns": [ { "name": "a" } ] }"""),
            ["destination"] = new System.Text.Json.Nodes.JsonObject { ["type"] = type, ["path"] = path },
        };

        var result = DataflowDefinitionLoader.Load(document.ToJsonString());

        result.Problems.Should().ContainSingle().Which.Should().Match<DefinitionProblem>(p => p.Path == "$.destination.path" && p.Message.Contains(reason));
    }

    [Fact]
    public void Malformed_json_is_a_problem_with_line_and_position_not_an_exception()
    {
        var result = DataflowDefinitionLoader.Load("{\n  \"name\": \"x\",\n  \"source\": { oops }\n}");

        result.IsValid.Should().BeFalse();
        var problem = result.Problems.Should().ContainSingle().Subject;
        problem.Path.Should().Be("$");
        problem.Message.Should().StartWith("the JSON is malformed at line 3, position");
        result.Describe().Should().StartWith("$: the JSON is malformed");
    }

    [Fact]
    public void Wrong_value_kinds_are_reported_not_thrown()
    {
        var result = DataflowDefinitionLoader.Load(
            """{ "name": 5, "source": { "hasHeader": "yes", "columns": {} }, "destination": { "type": "PostgreSql", "connection": "c", "table": "t", "createTable": 1 }, "maxErrors": "ten" }""");

        result.Problems.Select(p => p.Path).Should().BeEquivalentTo(
            ["$.name", "$.maxErrors", "$.source.hasHeader", "$.source.columns", "$.destination.createTable"]);
    }
}

using Scheduler.Dataflows.Definitions;

namespace Scheduler.Dataflows.Tests.Definitions;

public sealed class TransformDefinitionTests
{
    private const string Source = """
        "source": { "columns": [ { "name": "id", "type": "int" }, { "name": "amount", "type": "decimal" }, { "name": "note" } ] }
        """;

    [Fact]
    public void Unknown_columns_and_type_errors_in_transforms_are_found_before_any_data_moves()
    {
        var result = Load("""
            [
              { "type": "Filter", "expression": "amont > 10" },
              { "type": "Filter", "expression": "amount + 1" },
              { "type": "Derive", "column": "x", "expression": "note * 2" },
              { "type": "Select", "columns": ["id", "nope"], "rename": { "gone": "g" } },
              { "type": "Validate", "rules": [ { "column": "id", "pattern": "^1" }, { "column": "missing", "min": 1 } ] }
            ]
            """, """{ "type": "PostgreSql", "connection": "c", "table": "t", "mode": "Upsert", "keyColumns": ["amount"] }""");

        result.Problems.Select(p => p.ToString()).Should().Equal(
            "$.transforms[0].expression: Unknown name 'amont' at position 0 of 'amont > 10'. Known names: id, amount, note, Context.JobId, Context.Workflow, Context.StartedAt, Context.TriggeredBy, Context.ScheduleId, Context.RetryOf, Context.DroppedFilePath.",
            "$.transforms[1].expression: 'amount + 1' is a decimal?, not a bool",
            "$.transforms[2].expression: 'note * 2' does not compile at position 8: Invalid Operation.",
            "$.transforms[3].columns: unknown column 'nope'; columns: id, amount, note",
            "$.transforms[3].rename.gone: 'gone' is not a selected column",
            "$.transforms[4].rules[0].column: a pattern applies to string columns, and 'id' is a int",
            "$.transforms[4].rules[1].column: unknown column 'missing'; columns: id",
            "$.destination.keyColumns: 'amount' is not a column reaching the destination; columns: id");
    }

    [Fact]
    public void Transform_shapes_are_checked_with_every_problem_listed()
    {
        var result = Load("""
            [
              { "type": "Filter" },
              { "type": "Sort", "by": "id" },
              { "type": "Derive", "expression": "1", "columnType": "money" },
              { "type": "Select", "columns": [] },
              { "type": "Validate", "rules": [ { "column": "id" }, { "column": "note", "pattern": "(" }, { "min": 1 } ] }
            ]
            """, """{ "type": "CsvFile", "path": "o.csv" }""");

        result.Problems.Select(p => p.ToString()).Should().BeEquivalentTo(
            "$.transforms[0].expression: is required",
            "$.transforms[1].type: unknown type 'Sort'; valid: Filter, Derive, Select, Validate",
            "$.transforms[2].column: is required",
            "$.transforms[2].columnType: unknown columnType 'money'; valid: string, int, long, decimal, double, bool, date, timestamp, timestampWithOffset, guid",
            "$.transforms[3].columns: must have at least one item",
            "$.transforms[4].rules[0]: a rule has exactly one of: min/max (a range), pattern, allowed, expression",
            "$.transforms[4].rules[1].pattern: '(' is not a valid regular expression (InsufficientClosingParentheses at offset 1)",
            "$.transforms[4].rules[2].column: is required");
    }

    [Fact]
    public void A_pattern_too_long_or_needing_backtracking_is_refused_with_the_reason()
    {
        var tooLong = new string('a', ValidationPattern.MaxLength + 1);

        var result = Load($$"""
            [ { "type": "Validate", "rules": [ { "column": "note", "pattern": "{{tooLong}}" }, { "column": "note", "pattern": "(?=a)a" }, { "column": "note", "pattern": "(a)\\1" } ] } ]
            """, """{ "type": "CsvFile", "path": "o.csv" }""");

        var problems = result.Problems.Select(p => p.ToString()).ToList();
        problems.Should().HaveCount(3);
        problems[0].Should().Be($"$.transforms[0].rules[0].pattern: the pattern is {tooLong.Length} characters long; the limit is 1000 (ValidationPattern.MaxLength)");
        problems[1].Should().StartWith("$.transforms[0].rules[1].pattern: '(?=a)a' uses what a pattern may not");
        problems[2].Should().StartWith("$.transforms[0].rules[2].pattern: '(a)\\1' uses what a pattern may not");
    }

    [Fact]
    public void Source_options_are_checked()
    {
        var json = """
            { "name": "x",
              "source": { "delimiter": ";", "quote": ";", "encoding": "ebcdic", "culture": "xx-NOPE", "skipLines": -1, "comment": "ab",
                          "extraFields": "Maybe", "nullValues": [1], "columns": [ { "name": "d", "type": "int", "format": "yyyy" } ] },
              "destination": { "type": "JsonLinesFile", "path": "o.jsonl" } }
            """;

        var result = DataflowDefinitionLoader.Load(json);

        result.Problems.Select(p => p.Path).Should().BeEquivalentTo(
            "$.source.quote", "$.source.encoding", "$.source.culture", "$.source.skipLines", "$.source.comment", "$.source.extraFields",
            "$.source.nullValues", "$.source.columns[0].format");
    }

    [Fact]
    public void Key_columns_belong_to_upserts_only()
    {
        var result = DataflowDefinitionLoader.Load(
            $$"""{ "name": "x", {{Source}}, "destination": { "type": "PostgreSql", "connection": "c", "table": "t", "mode": "Append", "keyColumns": ["id"] } }""");

        result.Problems.Should().ContainSingle().Which.ToString().Should().Be("$.destination.keyColumns: applies to mode Upsert only");
    }

    [Fact]
    public void Sample_with_transforms_and_an_upsert_loads()
    {
        var result = DataflowDefinitionLoader.Load(File.ReadAllText(TestFiles.RepositoryFile("samples/dataflows/orders-upsert.json")));

        result.IsValid.Should().BeTrue(result.Describe());
        result.Definition!.Transforms.Select(t => t.Type).Should().Equal(
            TransformType.Validate, TransformType.Filter, TransformType.Derive, TransformType.Derive, TransformType.Select);
        result.Definition.Destination.KeyColumns.Should().Equal("id");
    }

    private static DefinitionLoadResult<DataflowDefinition> Load(string transforms, string destination) =>
        DataflowDefinitionLoader.Load($$"""{ "name": "x", {{Source}}, "transforms": {{transforms}}, "destination": {{destination}} }""");
}

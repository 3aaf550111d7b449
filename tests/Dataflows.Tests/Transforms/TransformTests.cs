using Scheduler.Dataflows.Definitions;
using static Scheduler.Dataflows.Tests.TestFiles;

namespace Scheduler.Dataflows.Tests.Transforms;

public sealed class TransformTests : IDisposable
{
    private static readonly SourceDefinition Orders = Source(
        Column("id", ColumnType.Int, required: true), Column("amount", ColumnType.Decimal), Column("country", ColumnType.String), Column("day", ColumnType.Date));

    private readonly TestFiles _files = new();
    private readonly string _input;

    public TransformTests() =>
        _input = _files.Write("in.csv", "id,amount,country,day\n1,150,US,2026-01-05\n2,50,US,2026-01-06\n3,,DE,2026-02-01\n4,300,de,2026-02-02\n");

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Filter_keeps_the_rows_where_the_expression_is_true_and_counts_the_others()
    {
        var (result, rows) = await RunAsync(new TransformDefinition { Type = TransformType.Filter, Expression = "amount > 100 && country == \"US\"" });

        rows.Select(r => r["id"].GetInt32()).Should().Equal(1);
        result.RowsFiltered.Should().Be(3);
        result.RowsRejected.Should().Be(0);
    }

    [Fact]
    public async Task Derive_adds_a_column_of_the_expressions_type()
    {
        var (_, rows) = await RunAsync(new TransformDefinition { Type = TransformType.Derive, Column = "gross", Expression = "amount * 1.2m" });

        rows.Select(r => r["gross"].ValueKind == System.Text.Json.JsonValueKind.Null ? (decimal?)null : r["gross"].GetDecimal()).Should().Equal(180m, 60m, null, 360m);
    }

    [Fact]
    public async Task Derive_replaces_an_existing_column_in_place_and_converts_to_the_declared_type()
    {
        var (_, rows) = await RunAsync(
            new TransformDefinition { Type = TransformType.Derive, Column = "country", Expression = "country.ToUpperInvariant()" },
            new TransformDefinition { Type = TransformType.Derive, Column = "month", Expression = "day.Value.Month", ColumnType = ColumnType.Long });

        rows[3].Keys.Should().Equal("id", "amount", "country", "day", "month");
        rows[3]["country"].GetString().Should().Be("DE");
        rows[3]["month"].GetInt64().Should().Be(2);
    }

    [Fact]
    public async Task Select_chooses_renames_and_reorders_columns()
    {
        var (_, rows) = await RunAsync(new TransformDefinition
        {
            Type = TransformType.Select, Columns = ["country", "id"], Rename = new Dictionary<string, string> { ["country"] = "land" },
        });

        rows[0].Keys.Should().Equal("land", "id");
        rows[0]["land"].GetString().Should().Be("US");
    }

    [Fact]
    public async Task Validate_rejects_a_row_with_the_message_of_the_first_rule_it_fails()
    {
        var (result, rows) = await RunAsync(new TransformDefinition
        {
            Type = TransformType.Validate,
            Rules =
            [
                new ValidationRule { Column = "amount", Min = 60, Max = 200 },
                new ValidationRule { Column = "country", Pattern = "^[A-Z]{2}$", Message = "country must be two capitals" },
                new ValidationRule { Column = "country", Allowed = ["US", "DE"] },
                new ValidationRule { Expression = "day.Value.Month == 1", Message = "January only" },
            ],
        });

        rows.Select(r => r["id"].GetInt32()).Should().Equal(1);
        result.RowsRejected.Should().Be(3);
        JsonLinesRun.Rejections(_files).Should().Equal(
            "3,amount,50 is not between 60 and 200,\"2,50,US,2026-01-06\"",
            "4,,January only,\"3,,DE,2026-02-01\"",
            "5,amount,300 is not between 60 and 200,\"4,300,de,2026-02-02\"");
    }

    [Fact]
    public async Task A_pattern_that_would_backtrack_catastrophically_checks_a_long_value_in_one_pass()
    {
        var evil = new string('a', 50_000) + "!";
        var input = _files.Write("evil.csv", $"id,amount,country,day\n1,1,{evil},2026-01-05\n");

        var (result, _) = await JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Orders,
            new TransformDefinition { Type = TransformType.Validate, Rules = [new ValidationRule { Column = "country", Pattern = "^(a+)+$" }] }), input);

        result.RowsRejected.Should().Be(1);
        JsonLinesRun.Rejections(_files).Should().ContainSingle().Which.Should().Contain(
            "does not match the pattern '^(a+)+$'", "a backtracking engine would give up on this row with a time-out, not a verdict");
    }

    [Fact]
    public async Task Allowed_values_and_patterns_report_the_value()
    {
        await RunAsync(new TransformDefinition
        {
            Type = TransformType.Validate, Rules = [new ValidationRule { Column = "country", Allowed = ["US"] }],
        });

        JsonLinesRun.Rejections(_files).Should().Contain("4,country,'DE' is not one of: US,\"3,,DE,2026-02-01\"");
    }

    [Fact]
    public async Task An_expression_that_fails_on_a_row_rejects_that_row_only()
    {
        var (result, _) = await RunAsync(new TransformDefinition { Type = TransformType.Derive, Column = "ratio", Expression = "100 / (int)(amount.Value - 50)" });

        result.RowsWritten.Should().Be(2);
        JsonLinesRun.Rejections(_files).Should().Equal(
            "3,ratio,'100 / (int)(amount.Value - 50)' failed: Attempted to divide by zero.,\"2,50,US,2026-01-06\"",
            "4,ratio,'100 / (int)(amount.Value - 50)' failed: a value it uses is null,\"3,,DE,2026-02-01\"");
    }

    [Fact]
    public async Task Transforms_run_in_the_order_written()
    {
        var (_, rows) = await RunAsync(
            new TransformDefinition { Type = TransformType.Derive, Column = "amount", Expression = "amount ?? 0m" },
            new TransformDefinition { Type = TransformType.Filter, Expression = "amount < 100" },
            new TransformDefinition { Type = TransformType.Select, Columns = ["id"] });

        rows.Select(r => r.Keys.Single() + r["id"].GetInt32()).Should().Equal("id2", "id3");
    }

    private Task<(DataflowResult Result, List<Dictionary<string, System.Text.Json.JsonElement>> Rows)> RunAsync(params TransformDefinition[] transforms) =>
        JsonLinesRun.RunAsync(_files, JsonLinesRun.Definition(Orders, transforms), _input);
}

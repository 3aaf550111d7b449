using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Transforms;
using static Scheduler.Dataflows.Tests.TestFiles;

namespace Scheduler.Dataflows.Tests.Transforms;

/// <summary>Expressions read the job's context as <c>Context.member</c>, the same value on every row.</summary>
public sealed class RunContextExpressionTests : IDisposable
{
    private static readonly RunContext Job = new("42", "orders-import", new DateTimeOffset(2026, 3, 1, 2, 0, 0, TimeSpan.Zero))
    {
        TriggeredBy = "file:in/a.csv",
        DroppedFilePath = "in/a.csv",
    };

    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    [Fact]
    public async Task Derive_and_Filter_read_the_context_of_the_job_they_run_in()
    {
        var input = _files.Write("in.csv", "id\n1\n2\n");
        var definition = JsonLinesRun.Definition(
            Source(Column("id", ColumnType.Int)),
            new TransformDefinition { Type = TransformType.Derive, Column = "job", Expression = "Context.JobId + \"/\" + Context.DroppedFilePath" },
            new TransformDefinition { Type = TransformType.Derive, Column = "loaded", Expression = "Context.StartedAt" },
            new TransformDefinition { Type = TransformType.Filter, Expression = "Context.RetryOf == \"\" && Context.TriggeredBy.StartsWith(\"file:\")" });

        var result = await new DataflowRunner(new TestConnections("unused"), NullLogger<DataflowRunner>.Instance)
            .RunAsync(new DataflowRunRequest(definition, input, _files.WorkingDirectory) { Context = Job }, CancellationToken.None);

        result.RowsWritten.Should().Be(2);
        var rows = File.ReadAllLines(result.OutputPath!).Select(line => JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(line)!).ToList();
        rows.Select(r => r["job"].GetString()).Should().Equal("42/in/a.csv", "42/in/a.csv");
        rows[0]["loaded"].GetDateTimeOffset().Should().Be(Job.StartedAt);
    }

    [Fact]
    public void An_unknown_context_member_is_a_definition_problem_that_lists_the_known_ones()
    {
        var definition = JsonLinesRun.Definition(
            Source(Column("id", ColumnType.Int)),
            new TransformDefinition { Type = TransformType.Derive, Column = "job", Expression = "Context.JobNumber" });

        var problems = DataflowPlan.Check(definition);

        problems.Should().ContainSingle().Which.Message.Should().Contain("Unknown name 'Context.JobNumber'").And.Contain("Context.JobId");
    }
}

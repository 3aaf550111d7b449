using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Tests.Storage;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Definitions;

public sealed class DefinitionFolderTests(DefinitionsDatabase database) : IClassFixture<DefinitionsDatabase>, IDisposable
{
    private readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_definition_file_that_links_out_of_the_folder_is_not_imported_and_one_inside_is()
    {
        var workflows = Directory.CreateDirectory(Path.Combine(_temp.Path, "definitions", "workflows")).FullName;
        var secret = Path.Combine(_temp.Path, "appsettings.json");
        await File.WriteAllTextAsync(secret, """{ "name": "leaked", "password": "hunter2" }""");
        await File.WriteAllTextAsync(Path.Combine(workflows, "plain.json"), """{ "name": "plain" }""");
        File.CreateSymbolicLink(Path.Combine(workflows, "leaked.json"), secret);
        var store = new InMemoryDefinitionStore(TimeProvider.System);

        await DefinitionFolder.ImportAsync(store, new DefinitionsLocation(Path.Combine(_temp.Path, "definitions")), NullLogger.Instance, CancellationToken.None);

        (await store.LatestAsync(DefinitionKind.Workflow, CancellationToken.None)).Select(d => d.Name).Should().Equal("plain");
    }

    [Fact]
    public async Task A_file_PostgreSQL_cannot_store_is_passed_over_with_an_error_and_the_rest_of_the_folder_imports()
    {
        var workflows = Directory.CreateDirectory(Path.Combine(_temp.Path, "definitions", "workflows")).FullName;
        var prefix = $"f{Guid.NewGuid():N}";
        var longName = prefix + new string('x', DefinitionName.MaxLength);
        await File.WriteAllTextAsync(Path.Combine(workflows, "a-nul.json"), $$"""{ "name": "{{prefix}}-nul", "description": "a\u0000b" }""");
        await File.WriteAllTextAsync(Path.Combine(workflows, "b-surrogate.json"), $$"""{ "name": "{{prefix}}-surrogate", "tasks": [ { "name": "x\ud800" } ] }""");
        await File.WriteAllTextAsync(Path.Combine(workflows, "c-long.json"), $$"""{ "name": "{{longName}}" }""");
        await File.WriteAllTextAsync(Path.Combine(workflows, "d-plain.json"), $$"""{ "name": "{{prefix}}-plain" }""");
        var log = new FakeLogger();

        await DefinitionFolder.ImportAsync(
            new PostgreSqlDefinitionStore(database.NodeA), new DefinitionsLocation(Path.Combine(_temp.Path, "definitions")), log, CancellationToken.None);

        (await new PostgreSqlDefinitionStore(database.NodeA).LatestAsync(DefinitionKind.Workflow, CancellationToken.None))
            .Select(d => d.Name).Where(n => n.StartsWith(prefix, StringComparison.Ordinal)).Should().Equal($"{prefix}-plain");
        log.Collector.GetSnapshot().Select(r => r.Message).Should().Contain(
        [
            $"The Workflow file {Path.Combine(workflows, "a-nul.json")} was not imported: $.description: the value holds the NUL character (U+0000), which PostgreSQL cannot store in text",
            $"The Workflow file {Path.Combine(workflows, "b-surrogate.json")} was not imported: $.tasks[0].name: the value holds a lone surrogate, which is not Unicode",
            $"The Workflow file {Path.Combine(workflows, "c-long.json")} was not imported: a name has at most {DefinitionName.MaxLength} characters, not {longName.Length}",
        ]);
    }
}

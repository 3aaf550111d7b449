using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Tests.Transfer;

namespace Scheduler.Workflows.Tests.Definitions;

public sealed class DefinitionFolderTests : IDisposable
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
}

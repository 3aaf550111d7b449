using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using Scheduler.Testing;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Storage;

namespace Scheduler.Workflows.Tests.Storage;

/// <summary>What every definition store does; run against PostgreSQL and against memory.</summary>
public abstract class DefinitionStoreContract
{
    protected const string Document = """{"name":"orders","x":1}""";

    protected abstract IDefinitionStore Store { get; }

    protected string Name { get; } = $"def-{Guid.NewGuid():N}";

    [Fact]
    public async Task Each_save_adds_a_version_and_Find_returns_the_latest_or_the_one_asked_for()
    {
        var first = await Store.SaveAsync(DefinitionKind.Workflow, Name, Document, "admin", onlyIfChanged: false, CancellationToken.None);
        var second = await Store.SaveAsync(DefinitionKind.Workflow, Name, """{"name":"orders","x":2}""", "ops", onlyIfChanged: false, CancellationToken.None);

        first!.Version.Should().Be(1);
        second!.Version.Should().Be(2);
        (await Store.FindAsync(DefinitionKind.Workflow, Name.ToUpperInvariant(), null, CancellationToken.None))!.Document.Should().Contain("2");
        var old = await Store.FindAsync(DefinitionKind.Workflow, Name, 1, CancellationToken.None);
        old!.Document.Should().Contain("1");
        old.CreatedBy.Should().Be("admin");
        (await Store.FindAsync(DefinitionKind.Dataflow, Name, null, CancellationToken.None)).Should().BeNull("kinds are apart");
    }

    [Fact]
    public async Task Saving_an_identical_document_only_if_changed_adds_no_version()
    {
        await Store.SaveAsync(DefinitionKind.Dataflow, Name, Document, null, onlyIfChanged: true, CancellationToken.None);
        var stamp = await Store.ChangeStampAsync(DefinitionKind.Dataflow, CancellationToken.None);

        var again = await Store.SaveAsync(DefinitionKind.Dataflow, Name, Document, null, onlyIfChanged: true, CancellationToken.None);
        var changed = await Store.SaveAsync(DefinitionKind.Dataflow, Name, """{"name":"orders","x":3}""", null, onlyIfChanged: true, CancellationToken.None);

        again.Should().BeNull();
        changed!.Version.Should().Be(2);
        (await Store.ChangeStampAsync(DefinitionKind.Dataflow, CancellationToken.None)).Should().NotBe(stamp);
    }

    [Fact]
    public async Task Delete_keeps_the_history_hides_the_definition_and_a_later_save_continues_the_numbering()
    {
        await Store.SaveAsync(DefinitionKind.Workflow, Name, Document, null, onlyIfChanged: false, CancellationToken.None);

        (await Store.DeleteAsync(DefinitionKind.Workflow, Name, "admin", CancellationToken.None)).Should().BeTrue();
        (await Store.DeleteAsync(DefinitionKind.Workflow, Name, "admin", CancellationToken.None)).Should().BeFalse("it is already deleted");

        (await Store.LatestAsync(DefinitionKind.Workflow, CancellationToken.None)).Should().NotContain(d => d.Name == Name);
        (await Store.FindAsync(DefinitionKind.Workflow, Name, null, CancellationToken.None))!.IsDeleted.Should().BeTrue();
        var history = await Store.HistoryAsync(DefinitionKind.Workflow, Name, CancellationToken.None);
        history.Select(h => (h.Version, h.IsDeleted)).Should().Equal((2, true), (1, false));

        var revived = await Store.SaveAsync(DefinitionKind.Workflow, Name, Document, null, onlyIfChanged: true, CancellationToken.None);
        revived!.Version.Should().Be(3);
        (await Store.LatestAsync(DefinitionKind.Workflow, CancellationToken.None)).Should().Contain(d => d.Name == Name && d.Version == 3);
    }

    [Fact]
    public async Task Reading_or_deleting_an_unknown_name_leaves_the_latest_list_whole()
    {
        await Store.SaveAsync(DefinitionKind.Workflow, Name, Document, null, onlyIfChanged: false, CancellationToken.None);
        var unknown = $"unknown-{Guid.NewGuid():N}";

        (await Store.FindAsync(DefinitionKind.Workflow, unknown, null, CancellationToken.None)).Should().BeNull();
        (await Store.HistoryAsync(DefinitionKind.Workflow, unknown, CancellationToken.None)).Should().BeEmpty();
        (await Store.DeleteAsync(DefinitionKind.Workflow, unknown, "admin", CancellationToken.None)).Should().BeFalse();

        (await Store.LatestAsync(DefinitionKind.Workflow, CancellationToken.None)).Should().Contain(d => d.Name == Name)
            .And.NotContain(d => d.Name == unknown);
    }
}

public sealed class InMemoryDefinitionStoreTests : DefinitionStoreContract
{
    protected override IDefinitionStore Store { get; } = new InMemoryDefinitionStore(TimeProvider.System);
}

/// <summary>A fresh database for the class, with two data sources standing for two nodes of the service.</summary>
public sealed class DefinitionsDatabase : IAsyncLifetime
{
    public NpgsqlDataSource NodeA { get; private set; } = null!;

    public NpgsqlDataSource NodeB { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var connectionString = await PostgresServer.Shared.CreateDatabaseAsync("definitions");
        NodeA = NpgsqlDataSource.Create(connectionString);
        NodeB = NpgsqlDataSource.Create(connectionString);
        await new PostgreSqlDefinitionStore(NodeA).PrepareAsync(CancellationToken.None);
        await new PostgreSqlDefinitionStore(NodeB).PrepareAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await NodeA.DisposeAsync();
        await NodeB.DisposeAsync();
    }
}

public sealed class PostgreSqlDefinitionStoreTests(DefinitionsDatabase database) : DefinitionStoreContract, IClassFixture<DefinitionsDatabase>
{
    protected override IDefinitionStore Store { get; } = new PostgreSqlDefinitionStore(database.NodeA);

    [Fact]
    public async Task Two_nodes_importing_the_same_document_at_once_add_one_version()
    {
        var nodeB = new PostgreSqlDefinitionStore(database.NodeB);

        var saves = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            (i % 2 == 0 ? Store : nodeB).SaveAsync(DefinitionKind.Workflow, Name, Document, null, onlyIfChanged: true, CancellationToken.None)));

        saves.Count(s => s is not null).Should().Be(1);
        (await Store.HistoryAsync(DefinitionKind.Workflow, Name, CancellationToken.None)).Should().ContainSingle();
    }

    [Fact]
    public async Task A_dataflow_saved_on_one_node_is_seen_by_the_catalog_of_another_after_a_refresh()
    {
        using var catalogOnB = new DataflowCatalog(new PostgreSqlDefinitionStore(database.NodeB), NullLogger<DataflowCatalog>.Instance);
        await catalogOnB.RefreshAsync(CancellationToken.None);
        catalogOnB.TryGet(Name, out _).Should().BeFalse();
        var document = SampleDataflow().Replace("\"orders-to-csv\"", $"\"{Name}\"", StringComparison.Ordinal);

        await Store.SaveAsync(DefinitionKind.Dataflow, Name, document, "admin", onlyIfChanged: false, CancellationToken.None);
        await catalogOnB.RefreshAsync(CancellationToken.None);

        catalogOnB.TryGet(Name, out var dataflow).Should().BeTrue(string.Join("; ", catalogOnB.ProblemsOf(Name) ?? []));
        dataflow.Name.Should().Be(Name);
        catalogOnB.VersionOf(Name).Should().Be(1);

        await Store.DeleteAsync(DefinitionKind.Dataflow, Name, "admin", CancellationToken.None);
        await catalogOnB.RefreshAsync(CancellationToken.None);
        catalogOnB.TryGet(Name, out _).Should().BeFalse();
    }

    [Fact]
    public async Task An_invalid_stored_dataflow_is_listed_with_its_problems_and_never_handed_out()
    {
        using var catalog = new DataflowCatalog(Store, NullLogger<DataflowCatalog>.Instance);
        await Store.SaveAsync(DefinitionKind.Dataflow, Name, "{\"name\":\"" + Name + "\",\"source\":{\"type\":\"Xml\"}}", null, onlyIfChanged: false, CancellationToken.None);

        await catalog.RefreshAsync(CancellationToken.None);

        catalog.TryGet(Name, out _).Should().BeFalse();
        catalog.ProblemsOf(Name).Should().NotBeNullOrEmpty().And.OnlyContain(p => p.Path.StartsWith('$'));
    }

    private static string SampleDataflow()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            var file = Path.Combine(folder.FullName, "samples", "dataflows", "orders-to-csv.json");
            if (File.Exists(file))
            {
                return File.ReadAllText(file);
            }
        }

        throw new InvalidOperationException("samples/dataflows/orders-to-csv.json not found");
    }
}

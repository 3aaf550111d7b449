using Microsoft.Extensions.Logging.Abstractions;
using Scheduler.Workflows.Storage;
using Scheduler.Workflows.Validation;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Tests.Definitions;

namespace Scheduler.Workflows.Tests.Binding;

public sealed class WorkflowResolverTests : IDisposable
{
    private const string Workflow = """
        {
          "name": "import",
          "variables": [ { "name": "path", "type": "string", "required": true } ],
          "tasks": [ { "name": "Make", "type": "Produce", "inputs": { "text": "${Variables.path}" } } ]
        }
        """;

    private readonly InMemoryDefinitionStore _store = new(TimeProvider.System);
    private readonly DataflowCatalog _dataflows;
    private readonly WorkflowCatalog _catalog;
    private readonly WorkflowResolver _resolver;

    public WorkflowResolverTests()
    {
        var tasks = TestTasks.Registry();
        _dataflows = new DataflowCatalog(_store, NullLogger<DataflowCatalog>.Instance);
        _catalog = new WorkflowCatalog(_store, new WorkflowValidator(tasks), _dataflows, NullLogger<WorkflowCatalog>.Instance);
        _resolver = new WorkflowResolver(_catalog, new ParameterBinder(tasks));
    }

    [Fact]
    public async Task A_request_that_fits_is_resolved_with_its_version_and_typed_parameters_without_asking_the_store()
    {
        await SaveAsync("import", Workflow);
        await _catalog.RefreshAsync(CancellationToken.None);
        await SaveAsync("import", Workflow.Replace("\"import\",", "\"import\", \"description\": \"v2\",", StringComparison.Ordinal));

        var resolution = await _resolver.ResolveAsync("IMPORT", [new("Variables", "path", "in/a.csv")], CancellationToken.None);

        resolution.IsValid.Should().BeTrue(string.Join("; ", resolution.Problems));
        resolution.Workflow!.Name.Should().Be("import");
        resolution.Parameters!.Variables["path"].Should().Be("in/a.csv");
        resolution.Version.Should().Be(1, "the catalog follows the store on its own: a request that fits pays no query, so version 2 is not seen yet");
    }

    [Fact]
    public async Task A_workflow_saved_elsewhere_after_the_catalog_was_read_is_found_at_once()
    {
        await _catalog.RefreshAsync(CancellationToken.None);
        await SaveAsync("import", Workflow);

        var resolution = await _resolver.ResolveAsync("import", [new("Variables", "path", "in/a.csv")], CancellationToken.None);

        resolution.IsValid.Should().BeTrue(string.Join("; ", resolution.Problems));
    }

    [Fact]
    public async Task An_unknown_workflow_is_not_found_and_the_problem_names_the_known_ones()
    {
        await SaveAsync("import", Workflow);

        var resolution = await _resolver.ResolveAsync("nope", [], CancellationToken.None);

        resolution.IsValid.Should().BeFalse();
        resolution.WorkflowFound.Should().BeFalse();
        resolution.Problems.Should().ContainSingle().Which.Should().Be(
            new BindingProblem(-1, WorkflowResolver.WorkflowField, "there is no workflow named 'nope'; known: import"));
    }

    [Fact]
    public async Task An_invalid_workflow_is_found_but_refused_with_each_of_its_problems()
    {
        await SaveAsync("broken", """{ "name": "broken", "tasks": [ { "name": "X", "type": "NoSuchType" } ] }""");

        var resolution = await _resolver.ResolveAsync("broken", [], CancellationToken.None);

        resolution.WorkflowFound.Should().BeTrue();
        resolution.Workflow.Should().BeNull();
        resolution.Problems.Should().NotBeEmpty().And.OnlyContain(p =>
            p.Field == WorkflowResolver.WorkflowField && p.Message.StartsWith("the workflow 'broken' is invalid and cannot run: ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Parameters_that_do_not_fit_are_the_binders_problems_with_their_index()
    {
        await SaveAsync("import", Workflow);

        var resolution = await _resolver.ResolveAsync("import", [new("Variables", "nope", "1")], CancellationToken.None);

        resolution.IsValid.Should().BeFalse();
        resolution.Workflow.Should().NotBeNull();
        resolution.Problems.Should().Contain(p => p.Index == 0 && p.Field == "parameters" && p.Message.Contains("'nope' is not a variable"))
            .And.Contain(p => p.Index == -1 && p.Message.Contains("the required variable 'path'"));
    }

    public void Dispose()
    {
        _catalog.Dispose();
        _dataflows.Dispose();
    }

    private Task<StoredDefinition?> SaveAsync(string name, string document) =>
        _store.SaveAsync(DefinitionKind.Workflow, name, document, null, onlyIfChanged: false, CancellationToken.None);
}

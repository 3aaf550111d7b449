using System.Text.Json;
using System.Text.Json.Nodes;
using Scheduler.Dataflows.Definitions;
using Scheduler.Dataflows.Json;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Web.Definitions;

/// <summary>The outcome of a save: the new version, or every problem of the document (then nothing was saved).</summary>
internal sealed record DefinitionSave(StoredDefinition? Saved, IReadOnlyList<DefinitionProblem> Problems);

/// <summary>
/// Reads, checks and changes definitions for the API. A document is checked exactly as a job would load it
/// (workflows against the current task types and dataflows), so what is saved can run.
/// </summary>
internal sealed class DefinitionEditor(IDefinitionStore store, WorkflowCatalog workflows, DataflowCatalog dataflows)
{
    public async Task<IReadOnlyList<DefinitionSummary>> ListAsync(DefinitionKind kind, CancellationToken cancellationToken)
    {
        await workflows.RefreshAsync(cancellationToken);
        return [.. (await store.LatestAsync(kind, cancellationToken)).Select(d => ProblemsOf(kind, d.Name) is { } problems
            ? new DefinitionSummary(d.Name, d.Version, d.CreatedAt, d.CreatedBy, Valid: false, problems)
            : new DefinitionSummary(d.Name, d.Version, d.CreatedAt, d.CreatedBy, Valid: true, []))];
    }

    /// <summary>
    /// The latest version, or the one asked for, a workflow's secret defaults masked; null when there is none (or it
    /// is a deletion).
    /// </summary>
    public async Task<DefinitionResponse?> GetAsync(DefinitionKind kind, string name, int? version, CancellationToken cancellationToken) =>
        await store.FindAsync(kind, name, version, cancellationToken) is { Document: { } document } found
            ? new DefinitionResponse(found.Name, found.Version, found.CreatedAt, found.CreatedBy, Parse(kind == DefinitionKind.Workflow ? SecretDefaults.Masked(document) ?? "null" : document))
            : null;

    public async Task<IReadOnlyList<DefinitionVersion>> HistoryAsync(DefinitionKind kind, string name, CancellationToken cancellationToken) =>
        [.. (await store.HistoryAsync(kind, name, cancellationToken)).Select(d => new DefinitionVersion(d.Version, d.CreatedAt, d.CreatedBy, d.IsDeleted))];

    /// <summary>Every problem of a document, checked against the definitions as they are now; nothing is saved.</summary>
    public async Task<IReadOnlyList<DefinitionProblem>> CheckAsync(DefinitionKind kind, string json, string? name, CancellationToken cancellationToken)
    {
        await workflows.RefreshAsync(cancellationToken);
        var problems = (kind == DefinitionKind.Workflow ? workflows.Load(json).Problems : dataflows.Load(json).Problems).ToList();
        if (name is not null && DefinitionDocument.Normalize(json) is { } document && DefinitionFolder.NameIn(document) is { } named
            && !string.Equals(named, name, StringComparison.OrdinalIgnoreCase))
        {
            problems.Add(new("$.name", $"the document is named '{named}' but was sent to '{name}'; the names must match"));
        }

        return problems;
    }

    /// <summary>
    /// Saves a new version. A workflow sent back as it was read keeps its secret defaults: a masked one is given the
    /// default of the version it replaces.
    /// </summary>
    public async Task<DefinitionSave> SaveAsync(DefinitionKind kind, string name, string json, string? user, CancellationToken cancellationToken)
    {
        IReadOnlyList<DefinitionProblem> masks = [];
        if (kind == DefinitionKind.Workflow && SecretDefaults.MaskedDefaults(json).Count > 0)
        {
            json = await RestoreSecretDefaultsAsync(name, json, cancellationToken);
            masks = SecretDefaults.MaskedDefaults(json);
        }

        // The loader reports a mask where it reads the variable as secret; the rest (written twice, or secret in another
        // member) only this check sees.
        var problems = await CheckAsync(kind, json, name, cancellationToken);
        problems = [.. problems, .. masks.Where(m => !problems.Any(p => p.Path == m.Path))];
        if (problems.Count > 0)
        {
            return new(null, problems);
        }

        var document = DefinitionDocument.Normalize(json)!;
        var saved = await store.SaveAsync(kind, DefinitionFolder.NameIn(document) ?? name, document, user, onlyIfChanged: false, cancellationToken);
        await workflows.RefreshAsync(cancellationToken);
        return new(saved, []);
    }

    public async Task<bool> DeleteAsync(DefinitionKind kind, string name, string? user, CancellationToken cancellationToken)
    {
        var deleted = await store.DeleteAsync(kind, name, user, cancellationToken);
        await workflows.RefreshAsync(cancellationToken);
        return deleted;
    }

    /// <summary>The document with its masked secret defaults given back where the version it replaces has them.</summary>
    private async Task<string> RestoreSecretDefaultsAsync(string name, string json, CancellationToken cancellationToken)
    {
        // Which variables are secret is the loader's word (the last of two members wins there), not the mask's. The
        // document alone says it: the catalog's checks of the tasks run once, in CheckAsync.
        var secret = WorkflowDefinitionLoader.Load(json).Draft?.Variables.Where(v => v.Secret).Select(v => v.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
        try
        {
            var workflow = JsonNode.Parse(json, documentOptions: LenientJson.DocumentOptions);
            var stored = await store.FindAsync(DefinitionKind.Workflow, name, null, cancellationToken);
            SecretDefaults.Restore(workflow, stored?.Document, secret ?? []);
            return workflow?.ToJsonString() ?? json;
        }
        catch (Exception e) when (e is JsonException or ArgumentException or InvalidOperationException)
        {
            // A member written twice: nothing is restored, and each mask left is a problem.
            return json;
        }
    }

    private IReadOnlyList<DefinitionProblem>? ProblemsOf(DefinitionKind kind, string name) =>
        kind == DefinitionKind.Workflow ? workflows.ProblemsOf(name) : dataflows.ProblemsOf(name);

    private static JsonElement Parse(string document)
    {
        using var parsed = JsonDocument.Parse(document);
        return parsed.RootElement.Clone();
    }
}

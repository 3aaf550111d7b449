namespace Scheduler.Workflows.Definitions;

/// <summary>The two kinds of definition documents the service keeps.</summary>
public enum DefinitionKind
{
    Workflow,
    Dataflow,
}

/// <summary>One version of a definition document. A null document marks the definition as deleted at that version.</summary>
public sealed record StoredDefinition(
    DefinitionKind Kind,
    string Name,
    int Version,
    string? Document,
    DateTimeOffset CreatedAt,
    string? CreatedBy)
{
    public bool IsDeleted => Document is null;
}

/// <summary>
/// Where definition documents live, version by version. Nothing is ever overwritten: a save adds a version, a delete
/// adds a tombstone version, so the history of what ran stays readable.
/// </summary>
public interface IDefinitionStore
{
    Task PrepareAsync(CancellationToken cancellationToken);

    /// <summary>Adds a version; with <paramref name="onlyIfChanged"/>, only when the latest version holds another document (null when it did not).</summary>
    Task<StoredDefinition?> SaveAsync(DefinitionKind kind, string name, string document, string? createdBy, bool onlyIfChanged, CancellationToken cancellationToken);

    /// <summary>Adds a tombstone version; false when there is no live definition of that name.</summary>
    Task<bool> DeleteAsync(DefinitionKind kind, string name, string? deletedBy, CancellationToken cancellationToken);

    /// <summary>The latest version of every definition of the kind that is not deleted.</summary>
    Task<IReadOnlyList<StoredDefinition>> LatestAsync(DefinitionKind kind, CancellationToken cancellationToken);

    /// <summary>One version, or the latest when <paramref name="version"/> is null (a tombstone when deleted).</summary>
    Task<StoredDefinition?> FindAsync(DefinitionKind kind, string name, int? version, CancellationToken cancellationToken);

    /// <summary>Every version of a definition, newest first, tombstones included.</summary>
    Task<IReadOnlyList<StoredDefinition>> HistoryAsync(DefinitionKind kind, string name, CancellationToken cancellationToken);

    /// <summary>A value that changes whenever a definition of the kind is saved or deleted, on any node: cheap to ask often.</summary>
    Task<string> ChangeStampAsync(DefinitionKind kind, CancellationToken cancellationToken);
}

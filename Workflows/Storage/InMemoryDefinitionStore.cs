using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Storage;

/// <summary>Definitions for the embedded mode (no database): seeded from the folder at start, gone when the process ends.</summary>
public sealed class InMemoryDefinitionStore(TimeProvider time) : IDefinitionStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(DefinitionKind, string), List<StoredDefinition>> _versions = [];
    private long _changes;

    public Task PrepareAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<StoredDefinition?> SaveAsync(
        DefinitionKind kind, string name, string document, string? createdBy, bool onlyIfChanged, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var versions = VersionsOf(kind, name);
            if (onlyIfChanged && versions.Count > 0 && versions[^1].Document == document)
            {
                return Task.FromResult<StoredDefinition?>(null);
            }

            return Task.FromResult<StoredDefinition?>(Add(versions, kind, versions.Count > 0 ? versions[^1].Name : name, document, createdBy));
        }
    }

    public Task<bool> DeleteAsync(DefinitionKind kind, string name, string? deletedBy, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (!_versions.TryGetValue(Key(kind, name), out var versions) || versions[^1].IsDeleted)
            {
                return Task.FromResult(false);
            }

            Add(versions, kind, versions[^1].Name, null, deletedBy);
            return Task.FromResult(true);
        }
    }

    public Task<IReadOnlyList<StoredDefinition>> LatestAsync(DefinitionKind kind, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredDefinition>>(
                [.. _versions.Where(v => v.Key.Item1 == kind).Select(v => v.Value[^1]).Where(d => !d.IsDeleted).OrderBy(d => d.Name, StringComparer.OrdinalIgnoreCase)]);
        }
    }

    public Task<StoredDefinition?> FindAsync(DefinitionKind kind, string name, int? version, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var versions = ExistingVersionsOf(kind, name);
            return Task.FromResult(version is { } wanted ? versions.FirstOrDefault(v => v.Version == wanted) : versions.LastOrDefault());
        }
    }

    public Task<IReadOnlyList<StoredDefinition>> HistoryAsync(DefinitionKind kind, string name, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyList<StoredDefinition>>([.. Enumerable.Reverse(ExistingVersionsOf(kind, name))]);
        }
    }

    public Task<string> ChangeStampAsync(DefinitionKind kind, CancellationToken cancellationToken) =>
        Task.FromResult(Interlocked.Read(ref _changes).ToString(System.Globalization.CultureInfo.InvariantCulture));

    // Reads must not add an empty history: every entry of the map is taken to have a latest version.
    private List<StoredDefinition> ExistingVersionsOf(DefinitionKind kind, string name) =>
        _versions.TryGetValue(Key(kind, name), out var versions) ? versions : [];

    private static (DefinitionKind, string) Key(DefinitionKind kind, string name) => (kind, name.ToLowerInvariant());

    private List<StoredDefinition> VersionsOf(DefinitionKind kind, string name)
    {
        var key = Key(kind, name);
        if (!_versions.TryGetValue(key, out var versions))
        {
            _versions[key] = versions = [];
        }

        return versions;
    }

    private StoredDefinition Add(List<StoredDefinition> versions, DefinitionKind kind, string name, string? document, string? createdBy)
    {
        var stored = new StoredDefinition(kind, name, versions.Count + 1, document, time.GetUtcNow(), createdBy);
        versions.Add(stored);
        Interlocked.Increment(ref _changes);
        return stored;
    }
}

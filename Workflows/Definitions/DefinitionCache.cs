using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// The latest definitions of one kind, read from the store and checked, by their case-insensitive name. Callers ask
/// synchronously (a job's binding, a task's validation); <see cref="RefreshAsync"/> reloads only when the store's
/// change stamp moved, at the cost of one small query. A definition with problems is kept
/// with them and never handed out: an invalid definition never runs.
/// </summary>
public sealed class DefinitionCache<T>(IDefinitionStore store, DefinitionKind kind, Func<string, DefinitionLoadResult<T>> load, ILogger logger) : IDisposable
    where T : class
{
    private readonly SemaphoreSlim _reload = new(1, 1);
    private Dictionary<string, Entry> _entries = new(StringComparer.OrdinalIgnoreCase);
    private string? _stamp;
    private int _generation;

    /// <summary>Changes with every reload, so that what depends on these definitions knows to check itself again.</summary>
    public int Generation => Volatile.Read(ref _generation);

    public IEnumerable<T> All => Volatile.Read(ref _entries).Values.Select(e => e.Definition).OfType<T>();

    public bool TryGet(string name, out T definition)
    {
        definition = Volatile.Read(ref _entries).GetValueOrDefault(name)?.Definition!;
        return definition is not null;
    }

    /// <summary>The problems of a definition that exists but is invalid; null when the name is valid or unknown.</summary>
    public IReadOnlyList<DefinitionProblem>? ProblemsOf(string name) =>
        Volatile.Read(ref _entries).GetValueOrDefault(name) is { Definition: null } invalid ? invalid.Problems : null;

    /// <summary>The stored version the current definition of that name comes from, valid or not.</summary>
    public int? VersionOf(string name) => Volatile.Read(ref _entries).GetValueOrDefault(name)?.Version;

    /// <param name="dependencyStamp">What the checks depend on beyond the documents (the dataflows, for workflows).</param>
    /// <returns>True when the definitions were read again (the store or the dependency changed).</returns>
    public async Task<bool> RefreshAsync(string dependencyStamp, CancellationToken cancellationToken)
    {
        var stamp = await store.ChangeStampAsync(kind, cancellationToken) + "|" + dependencyStamp;
        if (stamp == Volatile.Read(ref _stamp))
        {
            return false;
        }

        await _reload.WaitAsync(cancellationToken);
        try
        {
            if (stamp == _stamp)
            {
                return true; // another caller has just read them
            }

            var previous = _entries;
            var entries = new Dictionary<string, Entry>(StringComparer.OrdinalIgnoreCase);
            foreach (var stored in await store.LatestAsync(kind, cancellationToken))
            {
                var result = load(stored.Document!);
                var entry = new Entry(stored.Version, result.IsValid ? result.Definition : null, result.Problems);
                entries[stored.Name] = entry;
                // Said once per version that turns invalid, not at every reload.
                var before = previous.GetValueOrDefault(stored.Name);
                if (entry.Definition is null && (before is null || before.Definition is not null || before.Version != entry.Version))
                {
                    LogInvalid(stored, entry);
                }
            }

            Volatile.Write(ref _entries, entries);
            Volatile.Write(ref _stamp, stamp);
            Interlocked.Increment(ref _generation);
            logger.LogDefinitionsLoaded(entries.Count, kind, string.Join(", ", entries.Keys));
            return true;
        }
        finally
        {
            _reload.Release();
        }
    }

    public void Dispose() => _reload.Dispose();

    private void LogInvalid(StoredDefinition stored, Entry entry) =>
        logger.LogDefinitionInvalid(kind, stored.Name, stored.Version, string.Concat(entry.Problems.Select(p => $"{Environment.NewLine}  {p}")));

    private sealed record Entry(int Version, T? Definition, IReadOnlyList<DefinitionProblem> Problems);
}

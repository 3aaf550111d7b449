using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// The definitions of one kind read from a folder of <c>*.json</c> files, by their case-insensitive name.
/// A file with problems is logged with every problem and left out: an invalid definition never runs.
/// </summary>
public sealed class DefinitionFolder<T>
    where T : class
{
    private readonly Dictionary<string, T> _byName = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, IReadOnlyList<DefinitionProblem>> _invalid = new(StringComparer.OrdinalIgnoreCase);

    public DefinitionFolder(string folder, string kind, Func<string, DefinitionLoadResult<T>> load, Func<T, string> nameOf, ILogger logger)
    {
        if (!Directory.Exists(folder))
        {
            logger.LogWarning("No {Kind} definitions: the folder {Folder} does not exist", kind, folder);
            return;
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
        {
            var result = load(File.ReadAllText(file));
            var name = result.Definition is { } loaded ? nameOf(loaded) : Path.GetFileNameWithoutExtension(file);
            var problems = result.Problems.ToList();
            if (result.Definition is { } definition && !_byName.TryAdd(name, definition))
            {
                problems.Add(new("$.name", $"another {kind} is already named '{name}'"));
            }

            if (problems.Count > 0)
            {
                _byName.Remove(name);
                _invalid[name] = problems;
                logger.LogError(
                    "The {Kind} {File} is invalid and will not run:{Problems}",
                    kind,
                    file,
                    string.Concat(problems.Select(p => $"{Environment.NewLine}  {p}")));
            }
        }

        logger.LogInformation("Loaded {Count} {Kind} definitions from {Folder}: {Names}", _byName.Count, kind, folder, string.Join(", ", _byName.Keys));
    }

    public IEnumerable<T> All => _byName.Values;

    public bool TryGet(string name, out T definition) => _byName.TryGetValue(name, out definition!);

    /// <summary>The problems of a definition that exists but is invalid; null when the name is valid or unknown.</summary>
    public IReadOnlyList<DefinitionProblem>? ProblemsOf(string name) => _invalid.GetValueOrDefault(name);
}

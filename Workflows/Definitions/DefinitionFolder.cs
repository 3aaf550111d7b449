using System.Text.Json;
using Microsoft.Extensions.Logging;
using Scheduler.Dataflows.Definitions;
using Scheduler.Workflows.Transfer;

namespace Scheduler.Workflows.Definitions;

/// <summary>
/// Imports the folder of definitions (<c>workflows/*.json</c>, <c>dataflows/*.json</c>) into the store at start-up:
/// a file whose document differs from the latest stored version becomes a new version, an identical one changes
/// nothing. Invalid documents are imported too, so that their problems are reported where the valid ones are listed.
/// </summary>
public static class DefinitionFolder
{
    public const string ImportedBy = "definitions folder";

    public static async Task ImportAsync(IDefinitionStore store, DefinitionsLocation location, ILogger logger, CancellationToken cancellationToken)
    {
        foreach (var kind in Enum.GetValues<DefinitionKind>())
        {
            var folder = System.IO.Path.Combine(location.Path, SubfolderOf(kind));
            if (!Directory.Exists(folder))
            {
                logger.LogNoDefinitionFolder(kind, folder);
                continue;
            }

            var names = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            foreach (var file in Directory.EnumerateFiles(folder, "*.json").Order(StringComparer.Ordinal))
            {
                // Every stored document can be read back over the API: a link to a file elsewhere (a settings file
                // with passwords) must not become one.
                if (LocalFolder.PathInside(folder, file) is null)
                {
                    logger.LogDefinitionLinkOutside(kind, file, folder);
                    continue;
                }

                var text = await File.ReadAllTextAsync(file, cancellationToken);
                if (DefinitionDocument.UnstorableText(text) is { } unstorable)
                {
                    // The store could not keep it, and a failed save would stop the service from starting.
                    logger.LogDefinitionNotStorable(kind, file, unstorable);
                    continue;
                }

                if (DefinitionDocument.Normalize(text) is not { } document)
                {
                    logger.LogDefinitionNotJson(kind, file);
                    continue;
                }

                var name = NameIn(document) ?? System.IO.Path.GetFileNameWithoutExtension(file);
                if (DefinitionName.LengthProblem(name) is { } tooLong)
                {
                    logger.LogDefinitionNotStorable(kind, file, tooLong);
                    continue;
                }

                if (!names.TryAdd(name, file))
                {
                    logger.LogDefinitionNameTaken(kind, file, names[name], name);
                    continue;
                }

                if (await store.SaveAsync(kind, name, document, ImportedBy, onlyIfChanged: true, cancellationToken) is { } added)
                {
                    logger.LogDefinitionImported(kind, name, file, added.Version);
                }
            }
        }
    }

    public static string SubfolderOf(DefinitionKind kind) => kind == DefinitionKind.Workflow ? "workflows" : "dataflows";

    /// <summary>The document's own <c>name</c>, which is what the loaders and the API know it by.</summary>
    public static string? NameIn(string document)
    {
        using var parsed = JsonDocument.Parse(document);
        return parsed.RootElement.ValueKind == JsonValueKind.Object
            && parsed.RootElement.TryGetProperty("name", out var name)
            && name.ValueKind == JsonValueKind.String
            && !string.IsNullOrWhiteSpace(name.GetString())
                ? name.GetString()!.Trim()
                : null;
    }
}

using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Definitions;

internal static partial class DefinitionLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Loaded {Count} {Kind} definitions: {Names}")]
    public static partial void LogDefinitionsLoaded(this ILogger logger, int count, DefinitionKind kind, string names);

    // A warning, not an error: the service and every other definition run on, and on a fresh node a sample whose
    // connections are not configured yet is expected to be invalid until they are.
    [LoggerMessage(Level = LogLevel.Warning, Message = "The {Kind} {Name} (version {Version}) is invalid and will not run:{Problems}")]
    public static partial void LogDefinitionInvalid(this ILogger logger, DefinitionKind kind, string name, int version, string problems);

    [LoggerMessage(Level = LogLevel.Warning, Message = "No {Kind} definitions to import: the folder {Folder} does not exist")]
    public static partial void LogNoDefinitionFolder(this ILogger logger, DefinitionKind kind, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} file {File} was not imported: it is a symbolic link that leads out of {Folder}")]
    public static partial void LogDefinitionLinkOutside(this ILogger logger, DefinitionKind kind, string file, string folder);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} file {File} is not JSON and was not imported")]
    public static partial void LogDefinitionNotJson(this ILogger logger, DefinitionKind kind, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} file {File} was not imported: {Problem}")]
    public static partial void LogDefinitionNotStorable(this ILogger logger, DefinitionKind kind, string file, string problem);

    [LoggerMessage(Level = LogLevel.Error, Message = "The {Kind} file {File} was not imported: {Other} already defines '{Name}'")]
    public static partial void LogDefinitionNameTaken(this ILogger logger, DefinitionKind kind, string file, string other, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Imported {Kind} {Name} from {File} as version {Version}")]
    public static partial void LogDefinitionImported(this ILogger logger, DefinitionKind kind, string name, string file, int version);
}

using System.Text.Json;

namespace Scheduler.Dataflows.Json;

/// <summary>
/// The one way the service says what is wrong with a JSON text (a definition document, a request body): where, counted
/// from 1 as editors do, and the reader's reason without the path and position it appends for developers.
/// </summary>
public static class JsonErrors
{
    /// <summary>
    /// <c>" at line 3, position 7: reason"</c>, or <c>": reason"</c> when the error has no position, to follow what
    /// was being read: <c>$"the body is malformed JSON{JsonErrors.Describe(e)}"</c>.
    /// </summary>
    public static string Describe(JsonException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var where = exception.LineNumber is { } line ? $" at line {line + 1}, position {exception.BytePositionInLine + 1}" : "";
        var reason = exception.Message.Split(" LineNumber:", 2)[0].Split(" Path:", 2)[0].TrimEnd();
        return $"{where}: {reason}";
    }
}

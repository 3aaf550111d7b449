using System.Collections;
using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// A logger for a job's code that masks the job's secret values in every line before it reaches the process log:
/// the message, each structured value (a JSON formatter writes them as fields) and the exception.
/// </summary>
internal sealed class RedactingLogger(ILogger inner, SecretRedactor redactor) : ILogger
{
    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => inner.BeginScope(state);

    public bool IsEnabled(LogLevel logLevel) => inner.IsEnabled(logLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (redactor.IsEmpty || !inner.IsEnabled(logLevel))
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            return;
        }

        var fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
        var masked = new MaskedState(
            redactor.Mask(formatter(state, exception)),
            [.. fields.Select(f => new KeyValuePair<string, object?>(f.Key, f.Value is string text ? redactor.Mask(text) : f.Value))]);
        inner.Log(logLevel, eventId, masked, exception is null ? null : redactor.Mask(exception), static (s, _) => s.Message);
    }

    private sealed record MaskedState(string Message, IReadOnlyList<KeyValuePair<string, object?>> Fields) : IReadOnlyList<KeyValuePair<string, object?>>
    {
        public int Count => Fields.Count;

        public KeyValuePair<string, object?> this[int index] => Fields[index];

        public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => Fields.GetEnumerator();

        IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

        public override string ToString() => Message;
    }
}

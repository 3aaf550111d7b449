using System.Collections;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// A logging scope of named values (a job's id, a step's name). The console's simple formatter prints a scope by its
/// <see cref="ToString"/>, which for a dictionary is only its type name; this one reads "JobId:42 Workflow:x". The
/// JSON formatter and other providers read the pairs, so the values stay fields there.
/// </summary>
public sealed class LogScope(params KeyValuePair<string, object?>[] values) : IReadOnlyList<KeyValuePair<string, object?>>
{
    public int Count => values.Length;

    public KeyValuePair<string, object?> this[int index] => values[index];

    public IEnumerator<KeyValuePair<string, object?>> GetEnumerator() => ((IEnumerable<KeyValuePair<string, object?>>)values).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public override string ToString() => string.Join(' ', values.Select(v => $"{v.Key}:{v.Value}"));
}

using System.Diagnostics.CodeAnalysis;

namespace Scheduler.Workflows.Runs;

/// <summary>
/// Knows one job's secret values and replaces them with <c>***</c> in every text that leaves the job: log lines,
/// step errors and outputs, the job's error, exceptions. A task may put a secret anywhere (a path, an expression's
/// error), so everything is masked on its way out rather than trusting each task to leave secrets out.
/// </summary>
public sealed class SecretRedactor
{
    private readonly Lock _gate = new();

    // Longest first, so that a secret containing another is masked whole. Replaced whole, so readers need no lock.
    private string[] _secrets = [];

    public bool IsEmpty => _secrets.Length == 0;

    /// <summary>Adds a secret value: a text, or each text of a list; anything else (numbers, booleans) is not masked.</summary>
    public void Add(object? value)
    {
        foreach (var text in value switch { string one => [one], IEnumerable<string> many => many, _ => [] })
        {
            if (text.Length == 0)
            {
                continue;
            }

            lock (_gate)
            {
                if (!_secrets.Contains(text, StringComparer.Ordinal))
                {
                    _secrets = [.. _secrets.Append(text).OrderByDescending(s => s.Length)];
                }
            }
        }
    }

    [return: NotNullIfNotNull(nameof(text))]
    public string? Mask(string? text)
    {
        var secrets = _secrets;
        if (text is null || secrets.Length == 0)
        {
            return text;
        }

        foreach (var secret in secrets)
        {
            text = text.Replace(secret, SecretReference.Mask, StringComparison.Ordinal);
        }

        return text;
    }

    /// <summary>Outputs with their texts, and the texts of their lists, masked.</summary>
    public IReadOnlyDictionary<string, object?> Mask(IReadOnlyDictionary<string, object?> values) =>
        IsEmpty
            ? values
            : values.ToDictionary(v => v.Key, v => v.Value switch
            {
                string text => Mask(text),
                IEnumerable<string> texts => texts.Select(Mask).ToList(),
                var other => other,
            }, StringComparer.OrdinalIgnoreCase);

    public StepRun Mask(StepRun step) => IsEmpty ? step : step with { Outputs = Mask(step.Outputs), Error = Mask(step.Error) };

    /// <summary>An exception that reads like <paramref name="exception"/> (message, type, stack) with the secrets masked.</summary>
    public Exception Mask(Exception exception) =>
        IsEmpty ? exception : new RedactedException(Mask(exception.Message), Mask(exception.ToString()));
}

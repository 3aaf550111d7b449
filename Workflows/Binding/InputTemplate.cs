using System.Text;
using System.Text.RegularExpressions;
using Scheduler.Workflows.Definitions;

namespace Scheduler.Workflows.Binding;

/// <summary>A reference inside an input value: <c>${Object.member}</c>, where Object is <c>Variables</c> or a task.</summary>
public sealed record InputReference(string Object, string Member)
{
    public override string ToString() => $"${{{Object}.{Member}}}";
}

/// <summary>
/// An input value as written in a definition: literal text with references in it. A value that is one reference and
/// nothing else takes the referenced value with its type; otherwise the parts are joined as text.
/// </summary>
public sealed partial class InputTemplate
{
    private readonly string _text;
    private readonly IReadOnlyList<(int Start, int Length, InputReference Reference)> _references;

    private InputTemplate(string text, IReadOnlyList<(int, int, InputReference)> references)
    {
        _text = text;
        _references = references;
    }

    public IEnumerable<InputReference> References => _references.Select(r => r.Reference);

    public bool IsLiteral => _references.Count == 0;

    /// <summary>True when the value is one reference and nothing else, so it keeps the referenced value's type.</summary>
    public bool IsSingleReference => _references.Count == 1 && _references[0].Length == _text.Length;

    public static InputTemplate Parse(string text)
    {
        var references = ReferencePattern().Matches(text)
            .Select(m => (m.Index, m.Length, new InputReference(m.Groups["object"].Value, m.Groups["member"].Value)))
            .ToList();
        return new(text, references);
    }

    /// <summary>The text outside well-formed references that still looks like one, for example <c>${Variables}</c>.</summary>
    public bool HasMalformedReference()
    {
        var rest = ReferencePattern().Replace(_text, "");
        return rest.Contains("${", StringComparison.Ordinal);
    }

    /// <param name="lookup">The value of a reference.</param>
    /// <param name="encode">How a value is written into the text around it (a JSON body escapes it); null: as it is.</param>
    public object? Resolve(Func<InputReference, object?> lookup, Func<string, string>? encode = null)
    {
        if (IsSingleReference)
        {
            return lookup(_references[0].Reference);
        }

        var text = new StringBuilder();
        var position = 0;
        foreach (var (start, length, reference) in _references)
        {
            var value = ScalarValues.Format(lookup(reference));
            text.Append(_text, position, start - position).Append(encode is null || value is null ? value : encode(value));
            position = start + length;
        }

        return text.Append(_text, position, _text.Length - position).ToString();
    }

    public override string ToString() => _text;

    [GeneratedRegex(@"\$\{\s*(?<object>[A-Za-z][A-Za-z0-9_]*)\.(?<member>[A-Za-z][A-Za-z0-9_]*)\s*\}")]
    private static partial Regex ReferencePattern();
}

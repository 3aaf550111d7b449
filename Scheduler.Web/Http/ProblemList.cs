namespace Scheduler.Web.Http;

/// <summary>Problems keyed by the request field they are about, in the shape of a validation problem's <c>errors</c>.</summary>
internal sealed class ProblemList
{
    private readonly Dictionary<string, List<string>> _problems = [];

    /// <summary>The number of problems, so that a caller can tell whether a check added any.</summary>
    public int Count => _problems.Values.Sum(p => p.Count);

    public void Add(string key, string message)
    {
        if (!_problems.TryGetValue(key, out var messages))
        {
            _problems[key] = messages = [];
        }

        messages.Add(message);
    }

    public void AddRange(IReadOnlyDictionary<string, string[]> problems)
    {
        foreach (var (key, messages) in problems)
        {
            foreach (var message in messages)
            {
                Add(key, message);
            }
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _problems.ToDictionary(p => p.Key, p => p.Value.ToArray());
}

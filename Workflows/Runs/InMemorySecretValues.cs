using System.Collections.Concurrent;

namespace Scheduler.Workflows.Runs;

/// <summary>Secret values for the embedded mode (no database): they live as long as the queue does.</summary>
public sealed class InMemorySecretValues : ISecretValues
{
    private readonly ConcurrentDictionary<Guid, string> _values = new();

    public Task<string> KeepAsync(string value, CancellationToken cancellationToken)
    {
        var id = Guid.NewGuid();
        _values[id] = value;
        return Task.FromResult(SecretReference.For(id));
    }

    public Task<string?> RevealAsync(Guid id, CancellationToken cancellationToken) =>
        Task.FromResult(_values.TryGetValue(id, out var value) ? value : null);
}

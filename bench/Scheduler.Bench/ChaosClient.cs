using System.Net;

namespace Scheduler.Bench;

/// <summary>
/// A client of the chaos run that talks to whichever Web node runs now. A user's script reaches a restarted node at
/// the address it always used; here every node start gets a port of its own, so after the Web node was killed and
/// started again the client signs in on the new one instead of knocking for ever on the dead one's port.
/// </summary>
internal sealed class ChaosClient(Stack stack) : IDisposable
{
    private ApiClient? _client;
    private ServiceNode? _node;

    /// <summary>A run request to the current Web node; throws <see cref="HttpRequestException"/> while no node answers.</summary>
    public async Task<(HttpStatusCode Status, string? JobId)> RunAsync(string workflow, string file, string idempotencyKey)
    {
        if (_node != stack.Web)
        {
            _client?.Dispose();
            _client = null;
            _node = stack.Web;
        }

        _client ??= await ApiClient.LoginAsync(stack);
        return await _client.RunAsync(workflow, file, idempotencyKey);
    }

    public void Dispose() => _client?.Dispose();
}

using Xunit.Sdk;

namespace Scheduler.Testing;

/// <summary>
/// Waits for what another thread or process does (a job ending, a log line, a row appearing) by asking again and
/// again. When it does not happen in time, the test fails with what was awaited and what was last seen, instead of
/// a bare time-out or cancellation that says nothing.
/// </summary>
public static class Eventually
{
    /// <summary>Long enough for a job on a busy two-core machine; a test that passes never waits this long.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Asks <paramref name="probe"/> until <paramref name="done"/> accepts its answer, and returns that answer.</summary>
    /// <param name="what">What is awaited, for the failure message: "job 7 to end".</param>
    /// <param name="describe">What an answer says, for the failure message (its text when null).</param>
    public static async Task<T> GetAsync<T>(
        Func<CancellationToken, Task<T>> probe, Func<T, bool> done, string what, Func<T, string>? describe = null, TimeSpan? timeout = null)
    {
        ArgumentNullException.ThrowIfNull(probe);
        ArgumentNullException.ThrowIfNull(done);
        var limit = timeout ?? DefaultTimeout;
        using var cancellation = new CancellationTokenSource(limit);
        var seen = "nothing yet";
        try
        {
            while (true)
            {
                var answer = await probe(cancellation.Token);
                if (done(answer))
                {
                    return answer;
                }

                seen = describe is null ? answer?.ToString() ?? "null" : describe(answer);
                await Task.Delay(Interval, cancellation.Token);
            }
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            throw new XunitException($"Waited {limit.TotalSeconds:0} s for {what}, in vain. Last seen: {seen}");
        }
    }

    /// <summary>Asks <paramref name="condition"/> until it holds.</summary>
    /// <param name="state">What there is instead, for the failure message.</param>
    public static Task UntilAsync(Func<Task<bool>> condition, string what, Func<string>? state = null, TimeSpan? timeout = null) =>
        GetAsync(_ => condition(), held => held, what, _ => state?.Invoke() ?? "not yet", timeout);

    /// <summary>Checks <paramref name="condition"/> until it holds.</summary>
    /// <param name="state">What there is instead, for the failure message.</param>
    public static Task UntilAsync(Func<bool> condition, string what, Func<string>? state = null, TimeSpan? timeout = null) =>
        UntilAsync(() => Task.FromResult(condition()), what, state, timeout);
}

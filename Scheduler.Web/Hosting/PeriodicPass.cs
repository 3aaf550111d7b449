namespace Scheduler.Web.Hosting;

/// <summary>
/// The loop of a background service that does one pass every interval: a pass that fails is reported and the next
/// one tries again, because a background loop that throws would otherwise stop the API and the workers with it.
/// </summary>
internal static class PeriodicPass
{
    /// <param name="atStart">Runs a first pass at once instead of after the first interval.</param>
    public static async Task RunAsync(
        TimeSpan interval,
        TimeProvider time,
        bool atStart,
        Func<CancellationToken, Task> pass,
        Action<Exception> failed,
        CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(interval, time);
        if (atStart)
        {
            await TryAsync(pass, failed, stoppingToken);
        }

        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            await TryAsync(pass, failed, stoppingToken);
        }
    }

    private static async Task TryAsync(Func<CancellationToken, Task> pass, Action<Exception> failed, CancellationToken stoppingToken)
    {
        try
        {
            await pass(stoppingToken);
        }
        catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
        {
            failed(exception);
        }
    }
}

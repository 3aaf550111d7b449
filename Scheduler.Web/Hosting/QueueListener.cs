using Npgsql;

namespace Scheduler.Web.Hosting;

/// <summary>
/// The one connection of a worker node that listens for enqueued jobs (<c>LISTEN new_job</c>, sent by every enqueue on
/// any node) and wakes one waiting worker of <see cref="NotifiedJobQueue"/> per notification.
/// </summary>
internal sealed partial class QueueListener(string connectionString, ILogger<QueueListener> logger) : BackgroundService
{
    // Counts notifications nobody has taken yet, so that a worker that queried just before one came sees it. Capped,
    // so that a burst while every worker is busy wakes idle workers later no more often than there are workers.
    private readonly SemaphoreSlim _jobs = new(0, MaxPending);

    private const int MaxPending = 64;

    /// <summary>
    /// Blocks a worker until a job was enqueued (true: this worker is the one woken for it), <paramref name="timeout"/>
    /// passed, or the worker stops.
    /// </summary>
    public bool WaitForJob(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            return _jobs.Wait(timeout, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return false; // the dequeue loop sees the cancellation itself
        }
    }

    public override void Dispose()
    {
        base.Dispose();
        _jobs.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                connection.Notification += (_, _) => Wake();
                await connection.OpenAsync(stoppingToken);
                await using (var listen = new NpgsqlCommand($"LISTEN {NotifiedJobQueue.Channel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                // What was enqueued while nobody listened (at start, after the database came back) is looked for now.
                Wake();
                while (true)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                // Until it listens again, workers find jobs by their poll.
                LogListenFailed(logger, e);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private void Wake()
    {
        if (_jobs.CurrentCount < MaxPending)
        {
            try
            {
                _jobs.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another notification filled it at the same moment: enough workers are woken.
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The queue listener lost its connection; workers poll until it listens again")]
    private static partial void LogListenFailed(ILogger logger, Exception exception);
}

using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Engine;

/// <summary>
/// Collects a job's log lines (the engine's and what tasks log) and writes them to the job's own log in batches, so
/// that a task that logs per file does not make a database round trip per line: with the next write of the job's
/// record that takes them (<see cref="TakePending"/>), or on their own at a step's end.
/// </summary>
internal sealed class JobLogWriter(IJobLog? log, string jobId, TimeProvider time, SecretRedactor redactor)
{
    private readonly ConcurrentQueue<JobLogLine> _pending = new();

    public void Write(string? step, LogLevel level, string message) =>
        _pending.Enqueue(new JobLogLine(time.GetUtcNow(), step, level.ToString(), redactor.Mask(message)));

    /// <summary>The lines not written yet, in their order, which the caller then writes.</summary>
    public IReadOnlyList<JobLogLine> TakePending()
    {
        var lines = new List<JobLogLine>();
        while (_pending.TryDequeue(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    public async Task FlushAsync()
    {
        var lines = TakePending();
        if (log is not null && lines.Count > 0)
        {
            // Written even while the job is being cancelled: the log is how the user learns what happened.
            await log.AppendAsync(jobId, lines, CancellationToken.None);
        }
    }

    /// <summary>A logger for one step: every line goes to the process log (through <paramref name="inner"/>, which masks secrets), and to the job's log.</summary>
    public ILogger For(string step, ILogger inner) => new StepLogger(inner, this, step);

    private sealed class StepLogger(ILogger inner, JobLogWriter writer, string step) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => inner.BeginScope(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information || inner.IsEnabled(logLevel);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            inner.Log(logLevel, eventId, state, exception, formatter);
            if (logLevel >= LogLevel.Information)
            {
                writer.Write(step, logLevel, formatter(state, exception));
            }
        }
    }
}

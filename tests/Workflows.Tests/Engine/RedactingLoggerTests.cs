using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Engine;
using Scheduler.Workflows.Runs;

namespace Scheduler.Workflows.Tests.Engine;

/// <summary>What a job logs reaches the process log with its secret values masked: message, structured fields, exception.</summary>
public sealed partial class RedactingLoggerTests
{
    private const string Secret = "hunter2-Pa55";

    [Fact]
    public void The_message_each_structured_field_and_the_exception_are_masked()
    {
        var redactor = new SecretRedactor();
        redactor.Add(Secret);
        var inner = new RecordingLogger();
        ILogger logger = new RedactingLogger(inner, redactor);
        var failure = new InvalidOperationException($"no such folder '{Secret}'");

        LogDownloaded(logger, failure, $"in/{Secret}/orders.csv", 42L);

        inner.Message.Should().Be("Downloaded in/***/orders.csv of 42 bytes");
        inner.Fields.Should().Contain(new KeyValuePair<string, object?>("RemotePath", "in/***/orders.csv"))
            .And.Contain(new KeyValuePair<string, object?>("Size", 42L))
            .And.Contain(new KeyValuePair<string, object?>("{OriginalFormat}", "Downloaded {RemotePath} of {Size} bytes"));
        inner.Exception!.Message.Should().Be("no such folder '***'");
        inner.Exception.ToString().Should().Contain(nameof(InvalidOperationException)).And.Contain("'***'").And.NotContain(Secret);
    }

    [Fact]
    public void Secrets_are_masked_longest_first_so_that_one_containing_another_goes_whole()
    {
        var redactor = new SecretRedactor();
        redactor.Add("abc");
        redactor.Add(new List<string> { "xabcx", "" });

        redactor.Mask("1 xabcx 2 abc").Should().Be("1 *** 2 ***");
        redactor.Mask((string?)null).Should().BeNull();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Downloaded {RemotePath} of {Size} bytes")]
    private static partial void LogDownloaded(ILogger logger, Exception exception, string remotePath, long size);

    private sealed class RecordingLogger : ILogger
    {
        public string? Message { get; private set; }

        public IReadOnlyList<KeyValuePair<string, object?>> Fields { get; private set; } = [];

        public Exception? Exception { get; private set; }

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Message = formatter(state, exception);
            Fields = state as IReadOnlyList<KeyValuePair<string, object?>> ?? [];
            Exception = exception;
        }
    }
}

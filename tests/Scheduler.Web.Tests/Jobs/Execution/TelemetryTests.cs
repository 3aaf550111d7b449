using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Jobs.Execution;

/// <summary>A job's metrics, and the job id and step on every log line it writes.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task A_finished_job_counts_as_started_and_finished_with_its_step_durations_and_loaded_rows()
    {
        await using var app = LocalSampleApp();
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        var measurements = new ConcurrentQueue<(string Instrument, double Value, Dictionary<string, object?> Tags)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Scheduler.Workflows" && instrument.Meter.Scope == meters)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((i, value, tags, _) => measurements.Enqueue((i.Name, value, ToDictionary(tags))));
        listener.SetMeasurementEventCallback<double>((i, value, tags, _) => measurements.Enqueue((i.Name, value, ToDictionary(tags))));
        listener.Start();
        using var client = await app.LoginAsync();

        var details = await client.WaitForEndAsync(await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv")));
        // The measurements are taken as Hangfire closes the job, a moment after its record says it ended.
        await Eventually.UntilAsync(
            () => measurements.Any(m => m.Instrument == "scheduler.jobs.finished"),
            "the measurement scheduler.jobs.finished",
            () => string.Join(", ", measurements.Select(m => m.Instrument).Distinct()),
            TimeSpan.FromSeconds(30));

        details.Text("status").Should().Be("Completed");
        measurements.Where(m => m.Instrument == "scheduler.jobs.started").Sum(m => m.Value).Should().Be(1);
        measurements.Single(m => m.Instrument == "scheduler.jobs.finished").Tags["status"].Should().Be("Completed");
        measurements.Should().NotContain(m => m.Instrument == "scheduler.jobs.failed");
        measurements.Where(m => m.Instrument == "scheduler.step.duration").Select(m => m.Tags["task.type"])
            .Should().BeEquivalentTo(new[] { "FileTransfer", "RunDataflow" });
        measurements.Where(m => m.Instrument == "scheduler.rows.loaded").Sum(m => m.Value).Should().Be(20);
    }

    [Fact]
    public async Task A_failed_job_counts_as_failed()
    {
        await using var app = LocalSampleApp();
        var meters = app.Services.GetRequiredService<IMeterFactory>();
        var failed = new ConcurrentQueue<long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Scope == meters && instrument.Name == "scheduler.jobs.failed")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => failed.Enqueue(value));
        listener.Start();
        using var client = await app.LoginAsync();

        var details = await client.WaitForEndAsync(await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "missing.csv")));
        await Eventually.UntilAsync(() => !failed.IsEmpty, "a measurement of the failed job", timeout: TimeSpan.FromSeconds(30));

        details.Text("status").Should().Be("Failed");
        failed.Sum().Should().Be(1);
    }

    [Fact]
    public async Task Every_line_a_job_writes_carries_its_job_id_and_step_lines_carry_the_step()
    {
        var lines = new ConcurrentQueue<(string Category, string Message, Dictionary<string, object?> Scope)>();
        await using var app = LocalSampleApp();
        await using var capturing = app.WithWebHostBuilder(host => host.ConfigureLogging(logging => logging.AddProvider(new ScopeCapturingProvider(lines))));
        using var client = capturing.CreateClient();
        var login = await client.PostAsJsonAsync("/api/account/login", new { user = "admin", password = SchedulerApp.AdminPassword });
        var token = (await login.Content.ReadFromJsonAsync<System.Text.Json.JsonElement>()).GetProperty("access_token").GetString();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);

        var jobId = await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv"));
        await client.WaitForEndAsync(jobId);

        var dataflowLines = lines.Where(l => l.Category.StartsWith("Scheduler.Dataflows", StringComparison.Ordinal)).ToList();
        dataflowLines.Should().NotBeEmpty();
        dataflowLines.Should().OnlyContain(l => Equals(l.Scope.GetValueOrDefault("JobId"), jobId) && Equals(l.Scope.GetValueOrDefault("Step"), "RunDataflow1"));
        lines.Where(l => l.Message.Contains($"Job {jobId} of workflow", StringComparison.Ordinal))
            .Should().NotBeEmpty().And.OnlyContain(l => Equals(l.Scope.GetValueOrDefault("JobId"), jobId));
    }

    [Fact]
    public void Console_logs_show_scopes_in_the_plain_and_the_JSON_format()
    {
        using var app = LocalSampleApp();

        app.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.IncludeScopes.Should().BeTrue();
        app.Services.GetRequiredService<IOptionsMonitor<JsonConsoleFormatterOptions>>().CurrentValue.IncludeScopes.Should().BeTrue();
    }

    private static SchedulerApp LocalSampleApp() => new(SchedulerApp.WithSampleFiles());

    private static Dictionary<string, object?> ToDictionary(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var result = new Dictionary<string, object?>();
        foreach (var (key, value) in tags)
        {
            result[key] = value;
        }

        return result;
    }

    private sealed class ScopeCapturingProvider(ConcurrentQueue<(string, string, Dictionary<string, object?>)> lines) : ILoggerProvider, ISupportExternalScope
    {
        private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

        public ILogger CreateLogger(string categoryName) => new ScopeCapturingLogger(categoryName, this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class ScopeCapturingLogger(string category, ScopeCapturingProvider provider) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => provider._scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scope = new Dictionary<string, object?>();
                provider._scopes.ForEachScope(
                    (value, into) =>
                    {
                        if (value is IEnumerable<KeyValuePair<string, object>> pairs)
                        {
                            foreach (var (key, item) in pairs)
                            {
                                into[key] = item;
                            }
                        }
                    },
                    scope);
                provider.Lines.Enqueue((category, formatter(state, exception), scope));
            }
        }

        private ConcurrentQueue<(string, string, Dictionary<string, object?>)> Lines => lines;
    }
}

using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Scheduler.Testing;
using static Scheduler.Web.Tests.Fixtures.JobsClient;

namespace Scheduler.Web.Tests.Hosting;

/// <summary>Traces and metrics leave the process over OTLP when, and only when, an endpoint is configured.</summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_an_OTLP_endpoint_a_job_span_with_its_steps_and_the_job_metrics_are_exported()
    {
        using var collector = new OtlpCollector();
        await using var app = new SchedulerApp(SchedulerApp.WithSampleFiles(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        }));
        using var client = await app.LoginAsync();

        await client.WaitForEndAsync(await client.StartAsync("local-orders-import", Parameter("Variables", "sourceFilePath", "orders.csv")));

        // OTLP bodies are protobuf, in which names and string values appear as plain UTF-8.
        await collector.WaitForAsync("/v1/traces", "job local-orders-import", "step FileTransferTask1", "step RunDataflow1");
        await collector.WaitForAsync("/v1/metrics", "scheduler.jobs.finished", "scheduler.step.duration", "scheduler.rows.loaded");
    }

    [Fact]
    public async Task Without_an_OTLP_endpoint_nothing_is_set_up_to_export()
    {
        await using var app = new SchedulerApp(new Dictionary<string, string?>());
        using var client = app.CreateClient();

        (await client.GetAsync("/health/live")).StatusCode.Should().Be(HttpStatusCode.OK);
        app.Services.GetService<TracerProvider>().Should().BeNull();
    }

    /// <summary>A minimal OTLP/HTTP receiver: accepts every export and keeps the bodies by path.</summary>
    private sealed class OtlpCollector : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly ConcurrentQueue<(string Path, string Body)> _received = new();

        public OtlpCollector()
        {
            Endpoint = $"http://127.0.0.1:{FreePort()}";
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        public string Endpoint { get; }

        /// <summary>Waits until exports to <paramref name="path"/> have named every text; fails naming those that never came.</summary>
        public Task WaitForAsync(string path, params string[] texts) =>
            Eventually.UntilAsync(
                () => MissingFrom(path, texts).Count == 0,
                $"exports to {path} that name {string.Join(", ", texts)}",
                () => $"never named: {string.Join(", ", MissingFrom(path, texts))}; exports received: "
                    + string.Join(", ", _received.GroupBy(r => r.Path).Select(g => $"{g.Count()} to {g.Key}")),
                TimeSpan.FromSeconds(30));

        public void Dispose() => _listener.Close();

        private List<string> MissingFrom(string path, string[] texts) =>
            [.. texts.Where(text => !_received.Any(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal)))];

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var body = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(body);
                _received.Enqueue((context.Request.Url!.AbsolutePath, Encoding.UTF8.GetString(body.ToArray())));
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/x-protobuf";
                context.Response.Close();
            }
        }

        private static int FreePort()
        {
            using var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            return ((IPEndPoint)probe.LocalEndpoint).Port;
        }
    }
}

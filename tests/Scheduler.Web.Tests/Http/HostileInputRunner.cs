using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Web.Tests.Http;

/// <summary>What sending a corpus gave: how many requests, which answers were wrong and why, and the status codes seen.</summary>
public sealed record HostileRunReport(int Endpoints, int Roles, int Inputs, int Sent, IReadOnlyList<string> Failures, IReadOnlyDictionary<int, int> Statuses, TimeSpan Took)
{
    public override string ToString() =>
        $"{Endpoints} endpoint methods x {Roles} roles x {Inputs} inputs = {Sent} requests in {Took.TotalSeconds:F0} s; statuses: " +
        string.Join(", ", Statuses.OrderBy(s => s.Key).Select(s => $"{s.Key}: {s.Value}"));
}

/// <summary>
/// Sends every hostile input to every endpoint the app maps (found through its endpoint data source, so that
/// endpoints added later are covered), with every method it answers, as every client given, and collects the
/// answers that are a 5xx, that fail to arrive, or that carry a configured secret.
/// </summary>
public sealed class HostileInputRunner(SchedulerApp app, IReadOnlyDictionary<string, HttpClient> clients, IReadOnlyCollection<string> secrets)
{
    private static readonly HashSet<string> BodyMethods = ["POST", "PUT", "PATCH", "DELETE"];

    public async Task<HostileRunReport> RunAsync(IReadOnlyList<HostileInput> inputs)
    {
        var clock = Stopwatch.StartNew();
        var targets = Targets();
        var answers = await Task.WhenAll(clients.Select(client => SendAllAsync(client.Key, client.Value, targets, inputs)));
        var failures = answers.SelectMany(a => a).Where(a => a.Failure is not null).Select(a => a.Failure!).ToList();
        var statuses = answers.SelectMany(a => a).Where(a => a.Status > 0).GroupBy(a => a.Status).ToDictionary(g => g.Key, g => g.Count());
        return new(targets.Count, clients.Count, inputs.Count, targets.Count * clients.Count * inputs.Count, failures, statuses, clock.Elapsed);
    }

    // One role's requests go one after another; the roles run side by side.
    private async Task<List<(int Status, string? Failure)>> SendAllAsync(
        string role, HttpClient client, List<(string Method, RouteEndpoint Endpoint)> targets, IReadOnlyList<HostileInput> inputs)
    {
        var answers = new List<(int, string?)>();
        foreach (var input in inputs)
        {
            foreach (var (method, endpoint) in targets)
            {
                var what = $"{role} {method} {endpoint.RoutePattern.RawText} with {input.Name}";
                try
                {
                    using var request = Request(method, endpoint, input);
                    using var response = await client.SendAsync(request);
                    var status = (int)response.StatusCode;
                    var body = await response.Content.ReadAsStringAsync();
                    var answer = response.Headers + "\n" + response.Content.Headers + "\n" + body;
                    answers.Add((status, status >= 500 ? $"{what}: {status} {Shorten(body)}" : null));
                    answers.AddRange(secrets.Where(secret => answer.Contains(secret, StringComparison.Ordinal))
                        .Select(_ => (0, (string?)$"{what}: the answer contains a configured secret")));
                }
                catch (Exception exception) when (exception is HttpRequestException or IOException or InvalidOperationException)
                {
                    answers.Add((0, $"{what}: {exception.GetType().Name} {Shorten(exception.Message)}"));
                }
            }
        }

        return answers;
    }

    private List<(string Method, RouteEndpoint Endpoint)> Targets() =>
        [.. app.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .SelectMany(endpoint => Methods(endpoint).Select(method => (method, endpoint)))];

    // An endpoint that takes any method (Hangfire's dashboard) gets the two that browsers send.
    private static IEnumerable<string> Methods(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET", "POST"];

    private static HttpRequestMessage Request(string method, RouteEndpoint endpoint, HostileInput input)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), EndpointPaths.Fill(endpoint, input.RouteValue) + (input.Query is null ? "" : "?" + input.Query));
        if (BodyMethods.Contains(method))
        {
            request.Content = new ByteArrayContent(input.Body ?? "{}"u8.ToArray());
            request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(input.ContentType);
        }

        if (input.HeaderName is { } name)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, input.HeaderValue).Should().BeTrue($"the header {name} can be sent");
        }

        return request;
    }

    private static string Shorten(string text) => text.Length > 300 ? text[..300] + "..." : text;
}

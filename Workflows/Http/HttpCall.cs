using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.Logging;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Scheduler.Workflows.Http;

/// <summary>One request of an Http task, as it is sent again after a transient failure.</summary>
internal sealed record HttpCallRequest(
    HttpMethod Method,
    Uri Url,
    string? JsonBody,
    IReadOnlyList<KeyValuePair<string, string>> Headers,
    string? Token,
    int Retries,
    TimeSpan RetryDelay,
    TimeSpan AttemptTimeout);

/// <summary>The answer: its status, the start of its body (at most <see cref="HttpCall.MaxBodyBytes"/>), and how many attempts it took.</summary>
internal sealed record HttpCallResult(int Status, string Body, bool Truncated, int Attempts)
{
    public bool Succeeded => Status is >= 200 and <= 299;
}

/// <summary>
/// Sends a request with Polly's retry (exponential backoff with jitter) around a timeout per attempt: a 5xx, 408 or
/// 429 answer, a connection failure or a timed-out attempt is tried again, up to the task's <c>retries</c>; any other
/// answer is final. Redirects are not followed (they could lead off the connection's BaseUrl). Only the first
/// <see cref="MaxBodyBytes"/> of the response body are read; the rest is never downloaded.
/// </summary>
internal static partial class HttpCall
{
    public const int MaxBodyBytes = 64 * 1024;

    // The longest wait between two attempts, whatever the backoff grows to.
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);

    // One pool of connections for every task (sockets are not exhausted); a pooled connection lives two minutes so that
    // a DNS change of a partner is noticed. No timeout here: each attempt has its own.
    private static readonly HttpClient Client = new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        UseCookies = false,
    })
    {
        Timeout = Timeout.InfiniteTimeSpan,
    };

    public static async Task<HttpCallResult> SendAsync(HttpCallRequest request, ILogger logger, string task, CancellationToken cancellationToken)
    {
        var attempts = 0;
        var pipeline = new ResiliencePipelineBuilder<HttpCallResult>();
        if (request.Retries > 0)
        {
            pipeline.AddRetry(new RetryStrategyOptions<HttpCallResult>
            {
                MaxRetryAttempts = request.Retries,
                Delay = request.RetryDelay,
                MaxDelay = MaxDelay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                ShouldHandle = new PredicateBuilder<HttpCallResult>()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .HandleResult(result => IsTransient((HttpStatusCode)result.Status)),
                OnRetry = retry =>
                {
                    var reason = retry.Outcome.Result is { } answer ? $"status {answer.Status}" : retry.Outcome.Exception?.Message ?? "";
                    LogRetry(logger, task, request.Method.Method, request.Url.AbsolutePath, retry.AttemptNumber + 1, reason, retry.RetryDelay.TotalSeconds);
                    return default;
                },
            });
        }

        pipeline.AddTimeout(request.AttemptTimeout);
        try
        {
            // The body is read inside the attempt, so a server that stalls after its headers times the attempt out too.
            return await pipeline.Build().ExecuteAsync(
                async token =>
                {
                    var attempt = Interlocked.Increment(ref attempts);
                    using var message = Message(request);
                    using var response = await Client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
                    var (body, truncated) = await ReadBodyAsync(response, token);
                    return new HttpCallResult((int)response.StatusCode, body, truncated, attempt);
                },
                cancellationToken);
        }
        catch (TimeoutRejectedException e)
        {
            throw new Tasks.TaskFailedException(
                $"{request.Method} {request.Url.AbsolutePath} timed out after {request.AttemptTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s {Attempts(attempts)}", e);
        }
        catch (HttpRequestException e)
        {
            throw new Tasks.TaskFailedException($"{request.Method} {request.Url.AbsolutePath} could not be sent {Attempts(attempts)}: {e.Message}", e);
        }
    }

    public static string Attempts(int attempts) => attempts == 1 ? "in 1 attempt" : $"in each of {attempts} attempts";

    private static bool IsTransient(HttpStatusCode status) =>
        (int)status >= 500 || status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests;

    private static HttpRequestMessage Message(HttpCallRequest request)
    {
        var message = new HttpRequestMessage(request.Method, request.Url);
        if (request.Token is { } token)
        {
            message.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        foreach (var (name, value) in request.Headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        if (request.JsonBody is { } json)
        {
            message.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return message;
    }

    private static async Task<(string Body, bool Truncated)> ReadBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBodyBytes + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken)) > 0)
        {
            length += read;
        }

        var truncated = length > MaxBodyBytes;
        return (Encoding.UTF8.GetString(buffer, 0, Math.Min(length, MaxBodyBytes)), truncated);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Task}: {Method} {Path} attempt {Attempt} failed ({Reason}); trying again in {DelaySeconds:0.##} s")]
    private static partial void LogRetry(ILogger logger, string task, string method, string path, int attempt, string reason, double delaySeconds);
}

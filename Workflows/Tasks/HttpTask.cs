using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Scheduler.Workflows.Binding;
using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Definitions;
using Scheduler.Workflows.Http;

namespace Scheduler.Workflows.Tasks;

/// <summary>
/// Calls a web service through an <c>Http</c> connection: GET, POST, PUT or DELETE on a URL relative to the
/// connection's BaseUrl, with a JSON body and headers written with <c>${...}</c> references, the connection's bearer
/// token, and retries on transient failures. A 2xx answer completes the step with its status, the start of its body
/// and the fields the task declares; any other answer fails it, saying the status and the start of the body.
/// </summary>
public sealed partial class HttpTask(ConnectionCatalog connections) : IWorkflowTask
{
    public const int MaxRequestBodyChars = 256 * 1024;
    public const int MaxRetries = 10;
    public const int DefaultRetries = 3;
    public const double MaxRetryDelaySeconds = 60;
    public const double MaxAttemptTimeoutSeconds = 300;

    // The start of a failed answer's body that its error quotes.
    private const int ErrorBodyChars = 500;

    private const string Connection = "connection", Method = "method", Url = "url", Body = "body", Headers = "headers", Fields = "fields",
        Retries = "retries", RetryDelaySeconds = "retryDelaySeconds", AttemptTimeoutSeconds = "attemptTimeoutSeconds";

    private static readonly string[] Methods = ["GET", "POST", "PUT", "DELETE"];

    public string Type => "Http";

    public IReadOnlyList<TaskInput> Inputs { get; } =
    [
        new(Connection, ScalarType.String, Required: true, "The name of an Http connection under Connections: in the configuration")
        {
            ConnectionTypes = [ConnectionCatalog.Http],
            Fixed = true,
        },
        new(Method, ScalarType.String, Required: false, "GET (the default), POST, PUT or DELETE") { Fixed = true },
        new(Url, ScalarType.String, Required: false, "The URL relative to the connection's BaseUrl, such as orders/${Variables.orderId}; absolute URLs, a leading '/' and '..' are refused"),
        new(Body, ScalarType.String, Required: false, $"POST and PUT: the JSON body, at most {MaxRequestBodyChars} characters; values of references in it are JSON-escaped") { JsonText = true },
        new(Headers, ScalarType.String, Required: false, $"Extra headers, one 'Name: value' per line, at most {RequestHeaders.MaxHeaders}; not Authorization, which the connection's Token sets"),
        new(Fields, ScalarType.String, Required: false, $"Values to read from the JSON answer as outputs: name=path:type items separated by commas, at most {ResponseFields.MaxFields}") { Fixed = true },
        new(Retries, ScalarType.Int, Required: false, $"Tries again after a 5xx, 408 or 429 answer, a connection failure or a timed-out attempt, 0 to {MaxRetries} times (default {DefaultRetries}; 0 for POST, which may not be safe to repeat)"),
        new(RetryDelaySeconds, ScalarType.Decimal, Required: false, $"The wait before the first retry, doubled for each next one with jitter (default 1, at most {MaxRetryDelaySeconds})"),
        new(AttemptTimeoutSeconds, ScalarType.Decimal, Required: false, $"The longest one attempt may take, body included (default 30, at most {MaxAttemptTimeoutSeconds})"),
    ];

    public IReadOnlyList<TaskOutput> Outputs { get; } =
    [
        new("status", ScalarType.Int, "The HTTP status code of the answer"),
        new("body", ScalarType.String, $"The answer's body as text, at most its first {HttpCall.MaxBodyBytes / 1024} KiB"),
        new("bodyTruncated", ScalarType.Bool, $"Whether the body was longer than {HttpCall.MaxBodyBytes / 1024} KiB and body holds only its start"),
    ];

    public IReadOnlyList<TaskOutput> OutputsFor(IReadOnlyDictionary<string, string> literalInputs, Func<string, WorkflowDefinition?> workflows) =>
        [.. Outputs, .. Declared(literalInputs).Fields.Outputs];

    public IEnumerable<string> Validate(IReadOnlyDictionary<string, string> literalInputs)
    {
        ArgumentNullException.ThrowIfNull(literalInputs);
        var problems = new List<string>(Declared(literalInputs).Problems);
        var method = literalInputs.GetValueOrDefault(Method);
        if (method is not null && !Methods.Contains(method, StringComparer.OrdinalIgnoreCase))
        {
            problems.Add($"the method '{method}' is not one of {string.Join(", ", Methods)}");
        }

        if (literalInputs.TryGetValue(Body, out var body))
        {
            problems.AddRange(BodyProblems(body, method ?? "GET", resolved: false));
        }

        if (literalInputs.TryGetValue(Url, out var url) && HttpEndpoint.RelativeUrlProblem(url) is { } urlProblem)
        {
            problems.Add(urlProblem);
        }

        if (literalInputs.TryGetValue(Headers, out var headers))
        {
            problems.AddRange(RequestHeaders.Parse(headers).Problems);
        }

        problems.AddRange(RangeProblems(literalInputs));
        return problems;
    }

    public IEnumerable<string> ValidateInWorkflow(TaskValidationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The method and the fields decide what the task does and which outputs it has: known when the definition is saved.
        return new[] { Method, Fields }
            .Where(i => context.Task.Inputs.ContainsKey(i) && !context.LiteralInputs.ContainsKey(i))
            .Select(i => $"write the input '{i}' as it is, not with ${{...}}");
    }

    public async Task<IReadOnlyDictionary<string, object?>> RunAsync(TaskRunContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var name = context.GetString(Connection);
        var endpoint = HttpEndpoint.Read(name, connections.GetOfType(name, ConnectionCatalog.Http));
        context.Redactor.Add(endpoint.Token);

        var method = (context.GetOptionalString(Method) ?? "GET").ToUpperInvariant();
        var body = context.GetOptionalString(Body);
        var (headers, headerProblems) = RequestHeaders.Parse(context.GetOptionalString(Headers));
        var problems = BodyProblems(body, method, resolved: true).Concat(headerProblems).Concat(RangeProblems(context.Inputs)).ToList();
        if (problems.Count > 0)
        {
            throw new TaskFailedException(string.Join("; ", problems));
        }

        var request = new HttpCallRequest(
            new HttpMethod(method),
            endpoint.Resolve(context.GetOptionalString(Url) ?? ""),
            body,
            headers,
            endpoint.Token,
            (int)(context.Inputs.GetValueOrDefault(Retries) as long? ?? (method == "POST" ? 0 : DefaultRetries)),
            TimeSpan.FromSeconds((double)(context.Inputs.GetValueOrDefault(RetryDelaySeconds) as decimal? ?? 1m)),
            TimeSpan.FromSeconds((double)(context.Inputs.GetValueOrDefault(AttemptTimeoutSeconds) as decimal? ?? 30m)));
        var result = await HttpCall.SendAsync(request, context.Logger, context.TaskName, cancellationToken);
        if (!result.Succeeded)
        {
            var start = result.Body.Length > ErrorBodyChars ? result.Body[..ErrorBodyChars] + "..." : result.Body;
            throw new TaskFailedException($"{method} {request.Url.AbsolutePath} answered {result.Status} {HttpCall.Attempts(result.Attempts)}: {start}");
        }

        LogAnswered(context.Logger, context.TaskName, method, request.Url.AbsolutePath, result.Status, result.Attempts);
        var fields = Declared(context.Inputs.Where(i => i.Key.Equals(Fields, StringComparison.OrdinalIgnoreCase))
            .ToDictionary(i => i.Key, i => Convert.ToString(i.Value, CultureInfo.InvariantCulture) ?? "")).Fields;
        if (result.Truncated && fields.Fields.Count > 0)
        {
            throw new TaskFailedException($"the answer is longer than {HttpCall.MaxBodyBytes / 1024} KiB, so its fields cannot be read");
        }

        var outputs = new Dictionary<string, object?>(fields.Read(result.Body), StringComparer.OrdinalIgnoreCase)
        {
            ["status"] = (long)result.Status,
            ["body"] = result.Body,
            ["bodyTruncated"] = result.Truncated,
        };
        return outputs;
    }

    private static (ResponseFields Fields, IReadOnlyList<string> Problems) Declared(IReadOnlyDictionary<string, string> inputs) =>
        ResponseFields.Parse(inputs.FirstOrDefault(i => i.Key.Equals(Fields, StringComparison.OrdinalIgnoreCase)).Value, ["status", "body", "bodyTruncated"]);

    /// <param name="body">The body as written, or as sent once its references are <paramref name="resolved"/>.</param>
    /// <param name="method">The request's method.</param>
    /// <param name="resolved">Whether the references are filled in, so the text must be JSON whatever it holds.</param>
    private static IEnumerable<string> BodyProblems(string? body, string method, bool resolved)
    {
        if (body is null)
        {
            yield break;
        }

        if (method.ToUpperInvariant() is "GET" or "DELETE")
        {
            yield return $"a {method.ToUpperInvariant()} request sends no body; use POST or PUT";
        }
        else if (body.Length > MaxRequestBodyChars)
        {
            yield return $"the body has more than {MaxRequestBodyChars} characters";
        }
        else if ((resolved || InputTemplate.Parse(body).IsLiteral) && JsonProblem(body) is { } problem)
        {
            yield return $"the body is not JSON: {problem}";
        }
    }

    private static string? JsonProblem(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            return null;
        }
        catch (JsonException e)
        {
            return e.Message;
        }
    }

    private static IEnumerable<string> RangeProblems<T>(IReadOnlyDictionary<string, T> inputs)
    {
        var retries = Number(inputs, Retries);
        if (retries is < 0 or > MaxRetries)
        {
            yield return $"retries {retries} is out of range: use 0 to {MaxRetries}";
        }

        if (Number(inputs, RetryDelaySeconds) is { } delay and (< 0 or > MaxRetryDelaySeconds))
        {
            yield return $"retryDelaySeconds {delay} is out of range: use 0 to {MaxRetryDelaySeconds}";
        }

        if (Number(inputs, AttemptTimeoutSeconds) is { } timeout and (<= 0 or > MaxAttemptTimeoutSeconds))
        {
            yield return $"attemptTimeoutSeconds {timeout} is out of range: use more than 0 and at most {MaxAttemptTimeoutSeconds}";
        }
    }

    private static double? Number<T>(IReadOnlyDictionary<string, T> inputs, string name) =>
        inputs.TryGetValue(name, out var value) && double.TryParse(Convert.ToString(value, CultureInfo.InvariantCulture), NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? number
            : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "{Task}: {Method} {Path} answered {Status} in {Attempts} attempt(s)")]
    private static partial void LogAnswered(ILogger logger, string task, string method, string path, int status, int attempts);
}

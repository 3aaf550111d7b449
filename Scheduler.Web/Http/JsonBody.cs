using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.HttpResults;
using Scheduler.Dataflows.Json;

namespace Scheduler.Web.Http;

/// <summary>
/// Reads a JSON request body and turns every way it can be wrong into a problem that says what and where, instead
/// of the framework's bare 400: over the endpoint's size cap (413, read no further than the cap), nested too deep,
/// malformed, text no storage keeps (<see cref="JsonInputCheck"/>), members the body does not have or values of the
/// wrong kind (<see cref="BodyShape"/>), or anything else the serializer refuses.
/// </summary>
internal static class JsonBody
{
    /// <param name="echoed">The answer's type when a client may send back what it got (<see cref="BodyShape.Check"/>).</param>
    public static async Task<(T? Value, ProblemHttpResult? Problem)> ReadAsync<T>(
        HttpRequest request, JsonTypeInfo<T> type, int maxBytes, CancellationToken cancellationToken, JsonTypeInfo? echoed = null)
        where T : class
    {
        var (json, problem) = await ReadCheckedAsync(request, "send a JSON body with Content-Type: application/json", maxBytes, cancellationToken);
        if (problem is not null)
        {
            return (null, problem);
        }

        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = RequestLimits.JsonDepth });
            var misshapen = BodyShape.Check(document.RootElement, type, echoed);
            if (misshapen.Count > 0)
            {
                return (null, Refused(misshapen, StatusCodes.Status400BadRequest, "The request body is invalid"));
            }

            var value = document.RootElement.Deserialize(type);
            return value is null ? (null, Refused("body", "the body is empty or null")) : (value, null);
        }
        catch (JsonException e)
        {
            var field = string.IsNullOrEmpty(e.Path) || e.Path == "$" ? "body" : e.Path.TrimStart('$', '.');
            return (null, Refused(field, $"the body is not valid{JsonErrors.Describe(e)}"));
        }
    }

    /// <summary>The body as text, checked like any other JSON body, for endpoints that keep the document as it was sent.</summary>
    public static async Task<(string? Json, ProblemHttpResult? Problem)> ReadTextAsync(
        HttpRequest request, string contentTypeHint, int maxBytes, CancellationToken cancellationToken)
    {
        var (json, problem) = await ReadCheckedAsync(request, contentTypeHint, maxBytes, cancellationToken);
        return problem is null ? (Encoding.UTF8.GetString(json.Span), null) : (null, problem);
    }

    public static ValidationProblem Invalid(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

    private static async Task<(ReadOnlyMemory<byte> Json, ProblemHttpResult? Problem)> ReadCheckedAsync(
        HttpRequest request, string contentTypeHint, int maxBytes, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return (default, Refused("body", contentTypeHint));
        }

        if (await ReadAtMostAsync(request, maxBytes, cancellationToken) is not { } body)
        {
            var problems = new ProblemList();
            problems.Add("body", $"the body is larger than {Size(maxBytes)}, the most this endpoint accepts");
            return (default, Refused(problems, StatusCodes.Status413PayloadTooLarge, "The request body is too large"));
        }

        // Some clients (Windows PowerShell, .NET writers with Encoding.UTF8) start the body with a byte order mark.
        var json = body.Span.StartsWith(Encoding.UTF8.Preamble) ? body[Encoding.UTF8.Preamble.Length..] : body;

        if (json.IsEmpty || json.Span.IndexOfAnyExcept(" \t\r\n"u8) < 0)
        {
            return (default, Refused("body", "the body is empty"));
        }

        var invalid = new ProblemList();
        JsonInputCheck.Check(json.Span, invalid);
        return invalid.Count > 0 ? (default, Refused(invalid, StatusCodes.Status400BadRequest, "The request body is invalid")) : (json, null);
    }

    // The body is buffered up to the cap and no further, whatever Content-Length says (a chunked body has none).
    private static async Task<ReadOnlyMemory<byte>?> ReadAtMostAsync(HttpRequest request, int maxBytes, CancellationToken cancellationToken)
    {
        if (request.ContentLength > maxBytes)
        {
            return null;
        }

        using var body = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (body.Length + read > maxBytes)
            {
                return null;
            }

            body.Write(chunk, 0, read);
        }

        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }

    private static ProblemHttpResult Refused(string field, string message)
    {
        var problems = new ProblemList();
        problems.Add(field, message);
        return Refused(problems, StatusCodes.Status400BadRequest, "The request body is invalid");
    }

    private static ProblemHttpResult Refused(ProblemList problems, int status, string title) =>
        TypedResults.Problem(new HttpValidationProblemDetails(problems.ToDictionary()) { Status = status, Title = title });

    private static string Size(int bytes) => bytes >= 1024 * 1024 ? $"{bytes / (1024 * 1024)} MiB" : $"{bytes / 1024} KiB";
}

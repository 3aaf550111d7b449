using Scheduler.Workflows.Connections;
using Scheduler.Workflows.Tasks;

namespace Scheduler.Workflows.Http;

/// <summary>
/// The service an <c>Http</c> connection reaches: its base URL and bearer token. A task names only a path relative to
/// the base URL, and the resolved URL must stay under it (same scheme, host, port and path prefix), so the operator who
/// configures connections decides which hosts the service calls and a definition or a run parameter can never point a
/// request, with the connection's token, at another host (an internal address, a cloud metadata endpoint).
/// </summary>
internal sealed record HttpEndpoint(Uri BaseUrl, string? Token)
{
    public static HttpEndpoint Read(string name, ConnectionSettings settings)
    {
        if (!Uri.TryCreate(settings.BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")
            || url.UserInfo.Length > 0 || url.Query.Length > 0 || url.Fragment.Length > 0)
        {
            throw new TaskFailedException(
                $"the Http connection '{name}' needs a BaseUrl: an absolute http or https URL without user, query or fragment, such as https://api.example.com/v1/");
        }

        // Without the trailing slash, "orders" would replace the base's last segment instead of going under it.
        var path = url.AbsolutePath.EndsWith('/') ? url.AbsolutePath : url.AbsolutePath + "/";
        return new(new UriBuilder(url) { Path = path }.Uri, string.IsNullOrEmpty(settings.Token) ? null : settings.Token);
    }

    /// <summary>Why <paramref name="url"/> cannot be a task's URL, whatever the base URL; null when it can.</summary>
    public static string? RelativeUrlProblem(string url) =>
        url.StartsWith('/') || url.Contains('\\', StringComparison.Ordinal) || Uri.TryCreate(url, UriKind.Absolute, out _)
            ? $"the url '{url}' must be relative to the connection's BaseUrl, without a leading '/': absolute URLs are refused"
            : url.Split('?', '#')[0].Split('/').Any(s => s is ".." || s.Contains("%2e", StringComparison.OrdinalIgnoreCase))
                ? $"the url '{url}' must not climb out of the connection's BaseUrl with '..'"
                : null;

    /// <summary>The absolute URL of <paramref name="relative"/> under the base URL; refused when it would leave it.</summary>
    public Uri Resolve(string relative)
    {
        if (RelativeUrlProblem(relative) is { } problem)
        {
            throw new TaskFailedException(problem);
        }

        var url = new Uri(BaseUrl, relative);
        return url.Scheme == BaseUrl.Scheme && url.IdnHost == BaseUrl.IdnHost && url.Port == BaseUrl.Port
            && url.AbsolutePath.StartsWith(BaseUrl.AbsolutePath, StringComparison.Ordinal)
            ? url
            : throw new TaskFailedException($"the url '{relative}' leads out of the connection's BaseUrl {BaseUrl}");
    }

    /// <summary>Never the token: an endpoint may end up in a log line or an error.</summary>
    public override string ToString() => BaseUrl.ToString();
}

using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>Requests to endpoints found through the endpoint data source, for tests that cover every endpoint.</summary>
public static class EndpointPaths
{
    /// <summary>The endpoint's path with every route parameter (catch-alls too) replaced by <paramref name="routeValue"/>, as it goes on the wire.</summary>
    public static string Fill(RouteEndpoint endpoint, string routeValue) =>
        "/" + string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternSeparatorPart separator => separator.Content,
            _ => routeValue,
        }))));
}

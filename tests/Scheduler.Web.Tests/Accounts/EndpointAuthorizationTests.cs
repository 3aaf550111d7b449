using System.Net;
using System.Text;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Scheduler.Web.Accounts;
using Xunit.Abstractions;

namespace Scheduler.Web.Tests.Accounts;

/// <summary>
/// Every <c>/api</c> endpoint of the running app, found through its endpoint data source (so endpoints added later are
/// covered too), declares a policy, refuses the roles without the right with 403, and lets the roles with it past.
/// </summary>
public sealed class EndpointAuthorizationTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly string[] Policies = [Roles.CanRead, Roles.CanOperate, Roles.CanAdminister];

    private SchedulerApp App { get; } = new(TestUsers.Settings(new Dictionary<string, string?> { ["Scheduler:WorkerCount"] = "0" }));
    private readonly Dictionary<string, HttpClient> _clients = [];

    public async Task InitializeAsync()
    {
        _clients[Roles.Admin] = await App.LoginAsync();
        _clients[Roles.Operator] = await App.LoginAsAsync(TestUsers.Operator);
        _clients[Roles.Viewer] = await App.LoginAsAsync(TestUsers.Viewer);
    }

    public async Task DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }

        await App.DisposeAsync();
    }

    [Fact]
    public void Every_api_endpoint_declares_one_of_the_policies_or_says_it_is_anonymous()
    {
        var undeclared = ApiEndpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null && StrictestPolicy(e) is null)
            .Select(Describe)
            .ToList();

        ApiEndpoints().Should().Contain(e => e.RoutePattern.RawText == "/api/jobs/", "the enumeration must find the endpoints");
        undeclared.Should().BeEmpty($"every /api endpoint declares one of {string.Join(", ", Policies)} (or AllowAnonymous)");
    }

    [Fact]
    public async Task Every_api_endpoint_refuses_roles_without_the_right_with_403_and_lets_the_others_past()
    {
        var wrong = new List<string>();
        var checkedCount = 0;
        foreach (var endpoint in ApiEndpoints().Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null))
        {
            var policy = StrictestPolicy(endpoint);
            output.WriteLine($"{Describe(endpoint)}: {policy ?? "no policy"}");
            foreach (var (role, client) in _clients)
            {
                var allowed = policy switch
                {
                    Roles.CanAdminister => role == Roles.Admin,
                    Roles.CanOperate => role is Roles.Admin or Roles.Operator,
                    Roles.CanRead => true,
                    _ => false,
                };
                foreach (var method in Methods(endpoint))
                {
                    using var response = await client.SendAsync(Request(method, endpoint));
                    var right = allowed
                        ? response.StatusCode is not (HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                        : response.StatusCode == HttpStatusCode.Forbidden;
                    checkedCount++;
                    if (!right)
                    {
                        wrong.Add($"{role} {method} {endpoint.RoutePattern.RawText} ({policy ?? "no policy"}): {(int)response.StatusCode}");
                    }
                }
            }
        }

        checkedCount.Should().BeGreaterThan(0);
        wrong.Should().BeEmpty("a role without the right gets 403, and a role with it is not refused");
    }

    private List<RouteEndpoint> ApiEndpoints() =>
        [.. App.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api", StringComparison.OrdinalIgnoreCase) == true)];

    /// <summary>The most demanding of the policies the endpoint declares (its own and its group's).</summary>
    private static string? StrictestPolicy(Endpoint endpoint)
    {
        var declared = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>().Select(a => a.Policy).ToHashSet();
        return Policies.LastOrDefault(declared.Contains);
    }

    private static IEnumerable<string> Methods(Endpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["GET"];

    /// <summary>A request that reaches the endpoint: route values filled with a placeholder, and a JSON body where one may go.</summary>
    private static HttpRequestMessage Request(string method, RouteEndpoint endpoint)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), EndpointPaths.Fill(endpoint, "1"));
        if (method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        return request;
    }

    private static string Describe(RouteEndpoint endpoint) => $"{string.Join(",", Methods(endpoint))} {endpoint.RoutePattern.RawText}";
}

using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Scheduler.Workflows.Tests.Tasks;

/// <summary>
/// A partner's web service for the Http task's tests: a real Kestrel server on 127.0.0.1 and a port of its own, under
/// <c>/v1/</c>, that wants <see cref="Token"/> as its bearer token. It counts the calls of each path, so a test sees
/// how often a request was tried, and answers the way a test needs (JSON, 503 a few times, slowly, a long body).
/// </summary>
internal sealed class PartnerApi : IAsyncDisposable
{
    public const string Token = "partner-token-0815";
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, int> _calls = new(StringComparer.Ordinal);

    private PartnerApi(WebApplication app) => _app = app;

    public string BaseUrl { get; private set; } = "";

    public int CallsOf(string path) => _calls.GetValueOrDefault(path);

    public static async Task<PartnerApi> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var api = new PartnerApi(app);
        app.Use(async (context, next) =>
        {
            var calls = api._calls.AddOrUpdate(context.Request.Path.Value!, 1, (_, n) => n + 1);
            context.Items["calls"] = calls;
            if (context.Request.Headers.Authorization != $"Bearer {Token}")
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });
        app.MapGet("/v1/orders/{id:int}", (int id) => Results.Json(new { order = new { id, state = "shipped", total = 12.5m }, items = new[] { new { sku = "A-1" } } }));
        app.MapPost("/v1/echo", async (HttpRequest request) =>
        {
            using var body = await JsonDocument.ParseAsync(request.Body);
            return Results.Json(new { received = body.RootElement.Clone(), trace = request.Headers["X-Trace"].ToString(), contentType = request.ContentType });
        });
        app.MapGet("/v1/flaky", (HttpContext context) => (int)context.Items["calls"]! < 3 ? Results.StatusCode(503) : Results.Json(new { ok = true }));
        app.MapGet("/v1/down", () => Results.Text($"maintenance, you sent Bearer {Token}", statusCode: 503));
        app.MapGet("/v1/missing", () => Results.Text("no such order", statusCode: 404));
        app.MapGet("/v1/slow", async (CancellationToken token) =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10), token);
            return Results.Ok();
        });
        app.MapGet("/v1/big", () => Results.Text(new string('x', 200_000)));
        app.MapGet("/v1/moved", () => Results.Redirect("http://127.0.0.1:1/elsewhere"));
        app.MapGet("/private", () => Results.Text("outside the base URL"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        api.BaseUrl = address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/v1/";
        return api;
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}

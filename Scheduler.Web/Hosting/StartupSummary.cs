using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Scheduler.Web.Accounts;

namespace Scheduler.Web.Hosting;

/// <summary>
/// Once the server listens, one block that tells a first-time user where everything is (API, dashboard, reference
/// page, OpenAPI document), whether anything survives a restart, and the Development admin password: otherwise these
/// are scattered over the start-up log, or only logged at the first login.
/// </summary>
internal static partial class StartupSummary
{
    public static void LogStartupSummary(this WebApplication app) =>
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            var durable = app.Services.GetRequiredService<StorageChoice>().Durable;
            var developmentPassword = app.Environment.IsDevelopment()
                && string.IsNullOrEmpty(app.Services.GetRequiredService<IOptions<AuthOptions>>().Value.AdminPassword);
            var summary = Describe(addresses.Select(Browsable).ToList(), app.ServesApi(), app.Environment.IsDevelopment(), durable, developmentPassword);
            var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StartupSummary).FullName!);
            if (durable && !developmentPassword)
            {
                LogReady(logger, summary);
            }
            else
            {
                LogReadyWithWarnings(logger, summary);
            }
        });

    private static string Describe(List<string> addresses, bool servesApi, bool development, bool durable, bool developmentPassword)
    {
        List<string> text = ["Scheduler is ready."];
        var first = addresses.Count > 0 ? addresses[0] : null;
        if (first is null)
        {
            text.Add("Listening:  (no address reported by the server)");
        }
        else if (servesApi)
        {
            text.Add($"API:        {first}/api (log in with POST {first}/api/account/login)");
            text.Add($"Dashboard:  {first}/hangfire");
            if (development)
            {
                text.Add($"Reference:  {first}/scalar");
            }

            text.Add($"OpenAPI:    {first}/openapi/v1.json");
        }
        else
        {
            text.Add($"Health:     {first}/health/ready (a Worker node serves no API)");
        }

        foreach (var other in addresses.Skip(1))
        {
            text.Add($"Also on:    {other}");
        }

        text.Add(durable
            ? "Storage:    PostgreSQL (ConnectionStrings:Scheduler)"
            : $"Storage:    IN MEMORY, NOTHING IS DURABLE: jobs and their history are lost when this process stops (set ConnectionStrings:{StorageSetup.ConnectionStringName})");
        if (developmentPassword)
        {
            text.Add($"Admin:      user '{UserDirectory.AdminName}', Development password '{UserDirectory.DevelopmentAdminPassword}': set Auth:AdminPassword before exposing this service");
        }

        return string.Join('\n', text);
    }

    // Kestrel reports what it bound; "http://[::]:8080" or "http://+:80" are not addresses a browser can open.
    private static string Browsable(string address)
    {
        var uri = new UriBuilder(address.Replace("://+", "://localhost", StringComparison.Ordinal).Replace("://*", "://localhost", StringComparison.Ordinal));
        if (uri.Host is "[::]" or "0.0.0.0")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Summary}")]
    private static partial void LogReady(ILogger logger, string summary);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Summary}")]
    private static partial void LogReadyWithWarnings(ILogger logger, string summary);
}

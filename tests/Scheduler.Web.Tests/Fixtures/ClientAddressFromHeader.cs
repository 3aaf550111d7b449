using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Scheduler.Web.Tests.Fixtures;

/// <summary>
/// The in-process test server has no network, so every request comes from no address. This puts the address a test
/// names in a header where a real connection's would be, ahead of everything else in the pipeline.
/// </summary>
public sealed class ClientAddressFromHeader : IStartupFilter
{
    public const string Header = "X-Test-Client-Address";

    /// <summary>The service of <paramref name="app"/>, taking each request's client address from <see cref="Header"/>.</summary>
    public static WebApplicationFactory<Program> On(SchedulerApp app) =>
        app.WithWebHostBuilder(builder => builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, ClientAddressFromHeader>()));

    public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
    {
        app.Use((context, nextMiddleware) =>
        {
            if (context.Request.Headers[Header] is [{ } address])
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(address);
            }

            return nextMiddleware(context);
        });
        next(app);
    };
}

using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Scheduler.Workflows.Runs;

namespace Scheduler.Web.Hosting;

/// <summary>
/// OpenTelemetry traces and metrics (the jobs' and steps' own, and ASP.NET Core's requests) exported
/// over OTLP, only when an endpoint is configured with the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> setting:
/// without a collector there is nobody to send them to.
/// </summary>
internal static class TelemetrySetup
{
    public const string EndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public static IServiceCollection AddTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        if (string.IsNullOrWhiteSpace(configuration[EndpointSetting]))
        {
            return services;
        }

        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(configuration["OTEL_SERVICE_NAME"] ?? "scheduler"))
            .WithTracing(tracing => tracing.AddSource(WorkflowTelemetry.Name).AddAspNetCoreInstrumentation())
            .WithMetrics(metrics => metrics.AddMeter(WorkflowTelemetry.Name).AddAspNetCoreInstrumentation())
            .UseOtlpExporter();
        return services;
    }
}

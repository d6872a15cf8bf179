using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Exchange.Hosting;

/// <summary>
/// The one telemetry setup of silos and gateways: Orleans' own meter and its traces (a grain call continues the
/// trace of the request that made it, when both sides add Orleans' activity propagation), named after the service,
/// pushed over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. A process adds its own instruments and exporters
/// (the gateway: ASP.NET Core's, its own meter, a Prometheus endpoint) through the two hooks.
/// </summary>
public static class ExchangeTelemetry
{
    public const string OrleansMeter = "Microsoft.Orleans";
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddExchangeTelemetry(this IServiceCollection services, IConfiguration configuration,
        string serviceName, Action<MeterProviderBuilder>? metrics = null, Action<TracerProviderBuilder>? tracing = null)
    {
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService(serviceName))
            .WithMetrics(m =>
            {
                m.AddMeter(OrleansMeter);
                metrics?.Invoke(m);
                if (otlp) m.AddOtlpExporter();
            })
            .WithTracing(t =>
            {
                t.AddSource(OrleansSources);
                tracing?.Invoke(t);
                if (otlp) t.AddOtlpExporter();
            });
        return services;
    }
}

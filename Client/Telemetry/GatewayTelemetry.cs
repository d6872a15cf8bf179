using Exchange.Hosting;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Exchange.Client.Telemetry;

/// <summary>
/// The gateway's telemetry: the shared setup (<see cref="ExchangeTelemetry"/>: Orleans' meter and traces, OTLP) plus
/// the gateway's instruments, ASP.NET Core's, and traces of requests; metrics are scraped at <c>/metrics</c>
/// (Prometheus text).
/// </summary>
public static class GatewayTelemetry
{
    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<GatewayMetrics>();
        return services.AddExchangeTelemetry(configuration, "exchange-gateway",
            metrics => metrics.AddMeter(GatewayMetrics.MeterName).AddAspNetCoreInstrumentation().AddPrometheusExporter(),
            tracing => tracing.AddAspNetCoreInstrumentation());
    }

    public static void Map(IEndpointRouteBuilder app) => app.MapPrometheusScrapingEndpoint("/metrics");
}

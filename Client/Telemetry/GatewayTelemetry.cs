using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using OpenTelemetry.Resources;

namespace Exchange.Client.Telemetry;

/// <summary>
/// Metrics and traces through OpenTelemetry: the gateway's instruments, ASP.NET Core's, and Orleans' own meter;
/// traces of requests and of the grain calls they make (Orleans carries the trace into the silos when both sides
/// add activity propagation). Metrics are scraped at <c>/metrics</c> (Prometheus text); traces and metrics are also
/// pushed over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class GatewayTelemetry
{
    public const string OrleansMeter = "Microsoft.Orleans";
    public static readonly string[] OrleansSources = ["Microsoft.Orleans.Runtime", "Microsoft.Orleans.Application"];

    public static IServiceCollection AddGatewayTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton<GatewayMetrics>();
        var otlp = !string.IsNullOrWhiteSpace(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        services.AddOpenTelemetry()
            .ConfigureResource(r => r.AddService("exchange-gateway"))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(GatewayMetrics.MeterName, OrleansMeter).AddAspNetCoreInstrumentation().AddPrometheusExporter();
                if (otlp) metrics.AddOtlpExporter();
            })
            .WithTracing(tracing =>
            {
                tracing.AddAspNetCoreInstrumentation().AddSource(OrleansSources);
                if (otlp) tracing.AddOtlpExporter();
            });
        return services;
    }

    public static void Map(IEndpointRouteBuilder app) => app.MapPrometheusScrapingEndpoint("/metrics");
}

using System.Text.Json;
using Exchange.Client.Keys;
using Exchange.Markets;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Exchange.Client.Hosting;

/// <summary><c>/health/live</c>: the process answers. <c>/health/ready</c>: the cluster and the key store answer.</summary>
public static class HealthChecks
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddGatewayHealthChecks(this IServiceCollection services)
    {
        services.AddHealthChecks()
            .AddCheck<ClusterHealthCheck>("cluster", tags: ["ready"])
            .AddCheck<KeyStoreHealthCheck>("database", tags: ["ready"]);
        return services;
    }

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = Write });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains("ready"), ResponseWriter = Write });
    }

    private static Task Write(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        return JsonSerializer.SerializeAsync(context.Response.Body, new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        });
    }

    private sealed class ClusterHealthCheck(IClusterClient cluster) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            try
            {
                var markets = await cluster.GetGrain<IMarketRegistryGrain>(0).ListMarkets().WaitAsync(Deadline, cancellationToken);
                return HealthCheckResult.Healthy($"{markets.Length} markets");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"the cluster does not answer: {ex.GetType().Name}");
            }
        }
    }

    private sealed class KeyStoreHealthCheck(IApiKeyStore store) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            if (!store.IsDurable) return HealthCheckResult.Degraded("in memory: accounts and API keys are lost when the gateway stops");
            try
            {
                await store.Ping(cancellationToken).WaitAsync(Deadline, cancellationToken);
                return HealthCheckResult.Healthy("PostgreSQL");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {ex.GetType().Name}");
            }
        }
    }
}

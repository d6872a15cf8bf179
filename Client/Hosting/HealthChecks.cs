using System.Text.Json;
using Exchange.Client.Keys;
using Exchange.Markets;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Exchange.Client.Hosting;

/// <summary>
/// <c>/health/live</c>: the process answers. <c>/health/ready</c>: the cluster and the key store answer. Anyone may call
/// readiness, so each check answers from its last result for <see cref="GatewayOptions.ReadinessCacheTime"/>, and callers
/// arriving while a check runs share it: however often it is asked, readiness costs the database and the cluster at
/// most one question each per that time.
/// </summary>
public static class HealthChecks
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    public static IServiceCollection AddGatewayHealthChecks(this IServiceCollection services)
    {
        // Singletons, so that each keeps its last result (AddCheck<T> alone would make one per run).
        services.AddSingleton<ClusterHealthCheck>();
        services.AddSingleton<KeyStoreHealthCheck>();
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

    /// <summary>The last result of a check, kept for the readiness cache time; one check in flight at a time.</summary>
    private abstract class CachedHealthCheck(TimeProvider clock, IOptions<GatewayOptions> options) : IHealthCheck
    {
        private readonly long _keepMs = (long)options.Value.ReadinessCacheTime.TotalMilliseconds;
        private readonly Lock _lock = new();
        private Task<HealthCheckResult>? _last;
        private long _checkedAtMs;

        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
            lock (_lock)
            {
                if (_last is null || (_last.IsCompleted && now - _checkedAtMs >= _keepMs))
                {
                    _last = Check(); // not the caller's token: later callers share this check
                    _checkedAtMs = now;
                }
                return _last.WaitAsync(cancellationToken);
            }
        }

        protected abstract Task<HealthCheckResult> Check();
    }

    private sealed class ClusterHealthCheck(IClusterClient cluster, TimeProvider clock, IOptions<GatewayOptions> options)
        : CachedHealthCheck(clock, options)
    {
        protected override async Task<HealthCheckResult> Check()
        {
            try
            {
                var markets = await cluster.GetGrain<IMarketRegistryGrain>(0).ListMarkets().WaitAsync(Deadline);
                return HealthCheckResult.Healthy($"{markets.Length} markets");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"the cluster does not answer: {ex.GetType().Name}");
            }
        }
    }

    private sealed class KeyStoreHealthCheck(IApiKeyStore store, TimeProvider clock, IOptions<GatewayOptions> options)
        : CachedHealthCheck(clock, options)
    {
        protected override async Task<HealthCheckResult> Check()
        {
            if (!store.IsDurable) return HealthCheckResult.Degraded("in memory: accounts and API keys are lost when the gateway stops");
            try
            {
                await store.Ping(CancellationToken.None).WaitAsync(Deadline);
                return HealthCheckResult.Healthy("PostgreSQL");
            }
            catch (Exception ex)
            {
                return HealthCheckResult.Unhealthy($"PostgreSQL does not answer: {ex.GetType().Name}");
            }
        }
    }
}

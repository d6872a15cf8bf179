using Exchange.Hosting;
using Exchange.Markets;
using Exchange.Matching;
using Exchange.Oracles;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Dashboard;

namespace Exchange.Silo;

/// <summary>
/// How a process becomes an exchange silo: the grains' services over the journal database, and the cluster it joins
/// (see <see cref="SiloClustering"/>). The silo host and the one-command local run share it.
/// </summary>
public static class SiloSetup
{
    /// <param name="postgres">The journal database; null keeps the journal in memory.</param>
    public static IHostApplicationBuilder AddExchangeSilo(this IHostApplicationBuilder builder, string? postgres)
    {
        builder.Services.AddExchangeGrainServices(postgres);
        builder.Services.AddExchangeTelemetry(builder.Configuration, "exchange-silo", metrics: m => m.AddMeter(OracleMetrics.MeterName));
        var clustering = SiloClustering.From(builder.Configuration, postgres);
        builder.Services.AddSiloFailureDetection(builder.Configuration);
        // SIGTERM drains: Orleans deactivates every grain (accounts store their snapshots) and leaves the
        // membership table, within this bound; it stays under docker-compose's stop_grace_period (30 s).
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(25));
        // Activity propagation carries a gateway request's trace into the grains; the dashboard keeps the statistics
        // that the gateway's /dashboard shows.
        builder.UseOrleans(silo =>
        {
            clustering.Apply(silo);
            silo.AddExchangeReminders(postgres);
            silo.AddActivityPropagation().AddDashboard();
        });
        return builder;
    }

    /// <summary>
    /// Creates the demo markets (<see cref="DemoMarkets.All"/> unless <paramref name="specs"/> says otherwise) if missing
    /// (creating is idempotent) and prints their state, and a note for a market that exists with another index.
    /// </summary>
    public static async Task CreateDemoMarketsAsync(IClusterClient client, TextWriter output, IReadOnlyList<MarketSpec>? specs = null)
    {
        var registry = client.GetGrain<IMarketRegistryGrain>(0);
        foreach (var spec in specs ?? DemoMarkets.All)
        {
            var created = await registry.CreateMarket(spec);
            var status = await client.GetGrain<IMarketGrain>(spec.Symbol).GetStatus();
            output.WriteLine($"{spec.Symbol}: {created}; mode {status.Mode}, sequence {status.Sequence}, " +
                             $"{status.RestingOrders} resting orders, state hash {status.StateHash:X16}");
            if (created == CreateMarketResult.AlreadyExists
                && (await registry.ListMarkets()).FirstOrDefault(m => m.Symbol == spec.Symbol) is { } existing
                && existing.Index?.Index != spec.Index?.Index)
            {
                output.WriteLine($"{spec.Symbol}: kept from an earlier run, it follows {existing.Index?.Index ?? "no index"}, " +
                                 $"not {spec.Index?.Index ?? "none"}; a market keeps its terms (start from empty data to change that)");
            }
        }
    }
}

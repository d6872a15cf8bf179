using Exchange.Hosting;
using Exchange.Markets;
using Exchange.Oracles;
using Microsoft.Extensions.Configuration;
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
        // Activity propagation carries a gateway request's trace into the grains; the dashboard keeps the statistics
        // that the gateway's /dashboard shows.
        builder.UseOrleans(silo =>
        {
            clustering.Apply(silo);
            silo.AddActivityPropagation().AddDashboard();
        });
        return builder;
    }

    /// <summary>Creates the demo markets if missing (creating is idempotent) and prints their state.</summary>
    public static async Task CreateDemoMarketsAsync(IClusterClient client, TextWriter output)
    {
        foreach (var spec in DemoMarkets.All)
        {
            var created = await client.GetGrain<IMarketRegistryGrain>(0).CreateMarket(spec);
            var status = await client.GetGrain<IMarketGrain>(spec.Symbol).GetStatus();
            output.WriteLine($"{spec.Symbol}: {created}; mode {status.Mode}, sequence {status.Sequence}, " +
                             $"{status.RestingOrders} resting orders, state hash {status.StateHash:X16}");
        }
    }
}
